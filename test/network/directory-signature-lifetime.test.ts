import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKeyDirectory } from '../../src/agent/check-directory/check-key-directory.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { networkFlags, TEST_HOST_RESOLVER } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  jwksBody,
  signDirectoryResponse,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * A directory whose response signature expires long before its Cache-Control lets a verifier
 * keep it: "the directory signs for this key" must end with the signature, not with the copy.
 */
const host = useDocumentHost();
const HOSTNAME = 'short-signature.example.test';
const GET = { method: 'GET', url: 'https://shop.example.com/products' };
const key = webBotAuthKey();
let server: TestApp;
const directory = mkdtempSync(join(tmpdir(), 'agent-authz-signature-lifetime-'));

beforeAll(async () => {
  const policyFile = join(directory, 'policy.yaml');
  writeFileSync(
    policyFile,
    'agents:\n  - id: "https://short-signature.example.test:*"\n    requireSignedDirectory: true\n',
  );
  server = await startTestApp(networkFlags(host, [`--policy=${policyFile}`]), {
    lookup: host.lookup,
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** Serves the directory, signed now for `lifetimeS` seconds, cacheable for `maxAge` seconds. */
function publishSignedFor(lifetimeS: number, maxAge = 3600): void {
  const body = jwksBody([key]);
  const created = Math.floor(server.now / 1000);
  const signature = signDirectoryResponse(
    body,
    key,
    `${HOSTNAME}:${host.port}`,
    created,
    lifetimeS,
  );
  host.serve(HOSTNAME, DIRECTORY_PATH, {
    headers: { ...DIRECTORY_TYPE, ...signature, 'cache-control': `max-age=${maxAge}` },
    body,
  });
}

function check(): Promise<UpstreamCheckResponse> {
  const headers = signWebBotAuth(GET, key, {
    agent: host.origin(HOSTNAME),
    created: Math.floor(server.now / 1000),
  });
  return server.client.check(envoyCheckRequest({ ...GET, headers }));
}

describe('a directory signature that expires before the cached directory does', () => {
  it('stops proving the key once it has expired, and the directory is fetched again', async () => {
    publishSignedFor(3);
    const first = await check();
    expect(agentMetadata(first).directory_signed).toBe(true);

    server.now += 4_000;
    const late = await check();
    expect(problem(late)).toMatchObject({ reason: 'key_unresolvable' });
    expect(String(problem(late).detail)).toContain('requireSignedDirectory');
    expect(host.hits(HOSTNAME, DIRECTORY_PATH)).toBe(1);

    // Fetched again once resolver.cacheTtl.min (60 s) has passed, not after Cache-Control's hour.
    publishSignedFor(3600);
    server.now += 60_000;
    await expect
      .poll(async () => agentMetadata(await check()).directory_signed ?? false)
      .toBe(true);
    expect(host.hits(HOSTNAME, DIRECTORY_PATH)).toBe(2);
  });
});

describe('agent-authz directory check', () => {
  const inspect = () =>
    checkKeyDirectory(host.origin(HOSTNAME), {
      resolver: TEST_HOST_RESOLVER,
      extraCa: readFileSync(host.caFile, 'utf8'),
      clock: () => server.now,
      lookup: host.lookup,
    });

  it('warns when the response signature expires before verifiers stop keeping the directory', async () => {
    publishSignedFor(3);
    const report = await inspect();
    const warning = report.findings.find((f) => f.code === 'signature_shorter_than_cache');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toContain('expires 3 s after');
    expect(warning?.message).toContain('3600 s');
    expect(report.clean).toBe(false);
  });

  it('says nothing of it when the signature outlives the cache lifetime', async () => {
    publishSignedFor(7200, 3600);
    const report = await inspect();
    expect(report.findings.map((f) => f.code)).not.toContain('signature_shorter_than_cache');
  });
});
