import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { admin } from '../support/admin-client.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import {
  type DidWebSpelling,
  didWebSpelling,
  directorySpelling,
  keySpelling,
  type RenderedDirectory,
  renderDidWeb,
  renderDirectory,
  renderKey,
} from '../support/identifier-spellings.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import { runs } from '../support/property-runs.js';
import {
  DIRECTORY_TYPE,
  jwksBody,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * One agent — a Web Bot Auth key directory, a key written as did:key or did:jwk, a did:web — is
 * one agent whatever spelling a request uses or an operator writes: revoking any spelling
 * through the admin API denies every spelling, and a rate limit counts them all as one.
 * Every request is real: signed, sent over gRPC, its key fetched from an HTTPS test origin.
 */
const host = useDocumentHost();
const TOKEN = 'admin-token-for-spelling-tests-0123456789';
const LIMIT = 3;
const POLICY = ['https://*.example.test:*', 'did:key:*', 'did:web:*']
  .map((id) => `  - id: "${id}"\n    rateLimit: ${LIMIT}/min\n`)
  .join('');
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

let app: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'agent-authz-spellings-'));
let origins = 0;

beforeAll(async () => {
  const revoked = `revoked:\n  - ${host.origin('revoked.example.test')}\n`;
  writeFileSync(join(dir, 'policy.yaml'), `agents:\n${POLICY}${revoked}`);
  app = await startTestApp(
    [
      // A did:web document is refetched a second after it was fetched, so the next spelling's
      // document (whose id must be that spelling) is read.
      ...networkFlags(host, ['--resolver.cache-ttl.min=1s', '--resolver.max-stale=0s']),
      `--policy=${join(dir, 'policy.yaml')}`,
      `--admin.token=${TOKEN}`,
    ],
    { lookup: host.lookup },
  );
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response !== undefined ? 'allowed' : String(problem(response).reason);
const created = () => Math.floor(app.now / 1000);

async function revoke(id: string): Promise<void> {
  const answer = await admin(app.adminPort, 'POST', '/v1/revocations', {
    token: TOKEN,
    body: { id },
  });
  expect(answer.status).toBe(201);
}

/** How `count` spellings of one agent are sent, and the ids it must be known by. */
interface OneAgent {
  readonly count: number;
  readonly ask: (index: number) => Promise<UpstreamCheckResponse>;
  /** The id a request made under spelling `index` is forwarded with (`x-agent-id`). */
  readonly agentId: (index: number) => string;
  /** The one id its history is kept under. */
  readonly stateId: string;
  readonly revocation: string;
}

/**
 * The rate limit, the history, then the revocation, across the spellings sent in turn: LIMIT
 * requests allowed, the next rate_limited, all of them in one history; then after revoking
 * one spelling, every spelling agent_revoked.
 */
async function expectOneAgent(agent: OneAgent): Promise<void> {
  const { count, ask } = agent;
  for (let i = 0; i < LIMIT; i++) {
    const response = await ask(i % count);
    expect(reasonOf(response)).toBe('allowed');
    expect(setHeaders(response)['x-agent-id']).toBe(agent.agentId(i % count));
  }
  expect(reasonOf(await ask(LIMIT % count))).toBe('rate_limited');
  expect(await app.app.store.history.get(agent.stateId)).toMatchObject({ allowed: LIMIT });
  await revoke(agent.revocation);
  for (let i = 0; i < count; i++) expect(reasonOf(await ask(i))).toBe('agent_revoked');
}

describe('an origin the policy file revokes', () => {
  const WELL_KNOWN = '/.well-known/http-message-signatures-directory';
  const key = webBotAuthKey();
  it.each([
    ['its well-known directory URL with a query', `${WELL_KNOWN}?v=1`, `${WELL_KNOWN}?v=1`],
    ['that URL reached through a dot segment', `/x/..${WELL_KNOWN}?a=b`, `${WELL_KNOWN}?a=b`],
    ['its well-known directory URL', WELL_KNOWN, WELL_KNOWN],
    ['the origin with a trailing slash', '/', WELL_KNOWN],
  ])('stays revoked when a signature names %s', async (_name, path, fetchPath) => {
    const hostname = 'revoked.example.test';
    host.serve(hostname, fetchPath, { headers: DIRECTORY_TYPE, body: jwksBody([key]) });
    const agent = `${host.origin(hostname)}${path}`;
    const headers = signWebBotAuth(GET, key, { agent, created: created() });
    const response = await app.client.check(envoyCheckRequest({ ...GET, headers }));
    expect(reasonOf(response)).toBe('agent_revoked');
  });
});

describe('one agent under every spelling the identifier rules accept', () => {
  it('is one Web Bot Auth directory, whatever URL its Signature-Agent member or a revocation uses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(directorySpelling, { minLength: 2, maxLength: 4 }),
        directorySpelling,
        async (spellings, revoked) => {
          const hostname = `dir${++origins}.example.test`;
          const key = webBotAuthKey();
          const sent = spellings.map((s) => renderDirectory(s, hostname, host.port));
          for (const { fetchPath } of sent) {
            host.serve(hostname, fetchPath, { headers: DIRECTORY_TYPE, body: jwksBody([key]) });
          }
          const ask = (index: number) => {
            const { url, form }: RenderedDirectory = sent[index]!;
            const headers = signWebBotAuth(GET, key, { agent: url, form, created: created() });
            return app.client.check(envoyCheckRequest({ ...GET, headers }));
          };
          // Every spelling is attributed to the origin itself.
          await expectOneAgent({
            count: sent.length,
            ask,
            agentId: () => host.origin(hostname),
            stateId: host.origin(hostname),
            revocation: renderDirectory(revoked, hostname, host.port).url,
          });
        },
      ),
      { numRuns: runs(10) },
    );
  });

  it('is one key, whether its key id is a did:key or any did:jwk encoding', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(keySpelling, { minLength: 2, maxLength: 4 }),
        keySpelling,
        fc.boolean(),
        async (spellings, revoked, byKeyId) => {
          const key = generateAgentKey({ type: origins++ % 2 === 0 ? 'ed25519' : 'p256' });
          const ask = (index: number) =>
            app.client.check(
              signedCheck(GET, created(), {
                key: { ...key, keyId: renderKey(key, spellings[index]!).keyId },
              }).request(),
            );
          await expectOneAgent({
            count: spellings.length,
            ask,
            agentId: (index) => renderKey(key, spellings[index]!).did,
            stateId: key.didKey,
            revocation: renderKey(key, revoked)[byKeyId ? 'keyId' : 'did'],
          });
        },
      ),
      { numRuns: runs(12) },
    );
  });

  it('is one did:web, whatever case its host or form its port is written in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(didWebSpelling, { minLength: 2, maxLength: 3 }),
        didWebSpelling,
        fc.boolean(),
        async (spellings, revoked, byKeyId) => {
          const hostname = `web${++origins}.example.test`;
          const key = generateAgentKey();
          const ask = (index: number) => askAsDidWeb(hostname, key, spellings[index]!);
          const did = renderDidWeb(revoked, hostname, host.port);
          await expectOneAgent({
            count: spellings.length,
            ask,
            agentId: (index) => renderDidWeb(spellings[index]!, hostname, host.port),
            stateId: `did:web:${hostname}%3A${host.port}`,
            revocation: byKeyId ? `${did}#key-1` : did,
          });
        },
      ),
      { numRuns: runs(6) },
    );
  });
});

/**
 * Publishes the did:web document under this spelling (its `id` must be the DID as written)
 * and lets the cached copy of the last spelling's document expire first.
 */
function askAsDidWeb(
  hostname: string,
  key: ReturnType<typeof generateAgentKey>,
  spelling: DidWebSpelling,
): Promise<UpstreamCheckResponse> {
  const did = renderDidWeb(spelling, hostname, host.port);
  const { document, keyId } = didWebDocument(did, key.publicJwk);
  host.serve(hostname, '/.well-known/did.json', {
    headers: DID_JSON,
    body: JSON.stringify(document),
  });
  app.now += 1_100;
  return app.client.check(signedCheck(GET, created(), { key: { ...key, keyId } }).request());
}
