import {
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * The policy file goes through what real writers do to it — truncated before being written,
 * written in pieces by a slow writer, swapped by symlink as a Kubernetes ConfigMap is — while
 * checks keep asking. Protections in force (unsigned traffic denied, a revoked agent) must hold
 * at every instant; only a whole, stable, valid file replaces the policy.
 */
const REVOKED = generateAgentKey();
const POLICY = `unsigned: deny\nrevoked:\n  - ${REVOKED.didKey}\n`;
/** The same protections, and one zone more: what the writers below install. */
const NEXT_POLICY = `${POLICY}zones:\n  - name: status\n    match: { paths: ["/status"] }\n    unsigned: allow\n`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A ConfigMap volume: `policy.yaml` → `..data/policy.yaml`, `..data` → a timestamped dir. */
function configMapVolume(text: string) {
  const root = mkdtempSync(join(tmpdir(), 'agent-authz-configmap-'));
  let generation = 0;
  const publish = (contents: string) => {
    generation += 1;
    const dir = `..2027_01_15_08_00_0${generation}`;
    mkdirSync(join(root, dir));
    writeFileSync(join(root, dir, 'policy.yaml'), contents);
    symlinkSync(dir, join(root, '..data_tmp'));
    renameSync(join(root, '..data_tmp'), join(root, '..data'));
  };
  publish(text);
  symlinkSync('..data/policy.yaml', join(root, 'policy.yaml'));
  return { root, file: join(root, 'policy.yaml'), publish };
}

let app: TestApp;
const plain = mkdtempSync(join(tmpdir(), 'agent-authz-policy-writer-'));
const plainFile = join(plain, 'policy.yaml');
const volume = configMapVolume(POLICY);

/** Two apps would double the clock work; each test names the file its app reads. */
async function serve(file: string): Promise<void> {
  await app?.stop();
  app = await startTestApp([`--policy=${file}`]);
}

beforeAll(() => writeFileSync(plainFile, POLICY));
afterAll(async () => {
  await app?.stop();
  rmSync(plain, { recursive: true, force: true });
  rmSync(volume.root, { recursive: true, force: true });
});

const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response !== undefined ? 'allowed' : String(problem(response).reason);

/** An unsigned request and a fresh request by the revoked agent: both must stay denied. */
async function protections(): Promise<[string, string]> {
  const url = 'https://api.example.com/orders';
  const unsigned = app.client.check(envoyCheckRequest({ method: 'GET', url }));
  const revoked = app.client.check(
    signedCheck({ method: 'GET', url }, Math.floor(app.now / 1000), { key: REVOKED }).request(),
  );
  return [reasonOf(await unsigned), reasonOf(await revoked)];
}

/** Runs `writer` while probing the protections every 25 ms; returns every answer seen. */
async function probedWhile(writer: () => Promise<void>): Promise<Set<string>> {
  const seen = new Set<string>();
  let writing = true;
  const probing = (async () => {
    while (writing) {
      for (const reason of await protections()) seen.add(reason);
      await sleep(25);
    }
  })();
  try {
    await writer();
  } finally {
    writing = false;
    await probing;
  }
  return seen;
}

async function statusZoneServed(): Promise<boolean> {
  const url = 'https://api.example.com/status';
  return (
    (await app.client.check(envoyCheckRequest({ method: 'GET', url }))).ok_response !== undefined
  );
}

describe('a policy file caught mid-write', () => {
  it('keeps the last good policy while the file is truncated to nothing, and reports the rejection', async () => {
    await serve(plainFile);
    const seen = await probedWhile(async () => {
      truncateSync(plainFile, 0);
      await sleep(1200);
      writeFileSync(plainFile, POLICY);
      await sleep(200);
    });
    expect(seen).toEqual(new Set(['credential_missing', 'agent_revoked']));
    expect(app.app.policy.reloads.rejected).toBeGreaterThanOrEqual(1);
    expect(app.app.policy.reloads.applied).toBe(0);
  });

  it('applies nothing a slow writer has half written, then the whole file once', async () => {
    await serve(plainFile);
    const seen = await probedWhile(async () => {
      truncateSync(plainFile, 0);
      // Pieces that end on line breaks: each prefix is a valid policy with fewer protections.
      for (const piece of NEXT_POLICY.split(/(?<=\n)/)) {
        writeFileSync(plainFile, piece, { flag: 'a' });
        await sleep(150);
      }
    });
    expect(seen).toEqual(new Set(['credential_missing', 'agent_revoked']));
    await expect.poll(statusZoneServed, { timeout: 2000 }).toBe(true);
    expect(app.app.policy.reloads.applied).toBe(1);
    writeFileSync(plainFile, POLICY);
  });

  it('follows a ConfigMap symlink swap, and refuses a swap to an empty file', async () => {
    await serve(volume.file);
    const seen = await probedWhile(async () => {
      volume.publish('');
      await sleep(1200);
    });
    expect(seen).toEqual(new Set(['credential_missing', 'agent_revoked']));
    expect(app.app.policy.reloads.rejected).toBeGreaterThanOrEqual(1);
    volume.publish(NEXT_POLICY);
    await expect.poll(statusZoneServed, { timeout: 2000 }).toBe(true);
    expect(await protections()).toEqual(['credential_missing', 'agent_revoked']);
  });
});
