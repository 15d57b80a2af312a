import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopProof, generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import { httpCheck, httpProblem } from '../support/envoy-http-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { didIssuer, dpopRequest, issuedToken } from '../support/token-check.js';
import { waitFor } from '../support/wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-authz-decisions-'));
const readLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the decision log', () => {
  const file = join(dir, 'decisions.log');
  const issuer = didIssuer();
  let server: TestApp;
  beforeAll(async () => {
    server = await startTestApp([...issuer.flags, `--telemetry.decision-log=${file}`]);
  });
  afterAll(() => server.stop());

  it('writes one JSON line per check with the identity, request and latency, and no secret', async () => {
    const nowSeconds = Math.floor(server.now / 1000);
    const signer = generateAgentKey();
    const signed = signedCheck(
      {
        method: 'POST',
        url: 'https://api.example.com/orders?card=4111111111111111',
        principal: 'spiffe://cluster.local/ns/shop/sa/web',
      },
      nowSeconds,
      { key: signer },
    );
    await server.client.check(signed.request());
    const tampered = await server.client.check(signed.request({ method: 'DELETE' }));
    expect(problem(tampered).reason).toBe('signature_invalid');

    const agent = generateAgentKey({ type: 'p256' });
    const token = issuedToken(issuer.key, nowSeconds, { bindKey: agent.publicJwk });
    const url = 'https://api.example.com/orders';
    const proof = createDpopProof({
      privateJwk: agent.privateJwk,
      method: 'GET',
      url,
      accessToken: token,
      iat: nowSeconds,
    });
    await server.client.check(
      dpopRequest({ method: 'GET', url, token, agent, iatSeconds: 0, proof }),
    );
    const wrongMethod = dpopRequest({ method: 'PUT', url, token, agent, iatSeconds: 0, proof });
    expect(problem(await server.client.check(wrongMethod)).reason).toBeDefined();

    await waitFor(() => logText(file).split('\n').length > 4, 5000);
    const lines = readLines(file);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      kind: 'decision',
      trace_id: expect.any(String),
      decision: 'allow',
      agent_id: signer.didKey,
      verified: true,
      profile: 'signed-request',
      tag: 'agent-authz',
      trust: 'new',
      method: 'POST',
      host: 'api.example.com',
      path: '/orders',
      source_principal: 'spiffe://cluster.local/ns/shop/sa/web',
      latency_ms: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({
      decision: 'deny',
      reason: 'signature_invalid',
      trace_id: problem(tampered).trace_id,
    });
    expect(lines[2]).toMatchObject({ decision: 'allow', profile: 'dpop' });
    expect(lines[3]).toMatchObject({ decision: 'deny', profile: 'dpop' });

    const text = readFileSync(file, 'utf8');
    const planted = {
      signature: signed.signature.signature!.slice(6, 50),
      token: token.split('.')[2]!,
      proof: proof.split('.')[2]!,
      privateKey: String((agent.privateJwk as { d: string }).d),
      signerKey: String((signer.privateJwk as { d: string }).d),
      query: '4111111111111111',
    };
    for (const [what, secret] of Object.entries(planted)) {
      expect(text.includes(secret), `${what} in the decision log`).toBe(false);
    }
  });
});

/** The log file's text; '' until the stream has opened it (sonic-boom opens asynchronously). */
const logText = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('the decision log in HTTP mode', () => {
  const file = join(dir, 'http-decisions.log');
  let server: TestApp;
  beforeAll(async () => {
    server = await startTestApp([`--telemetry.decision-log=${file}`]);
  });
  afterAll(() => server.stop());

  it("records the same trace id as the HTTP denial's problem body", async () => {
    const nowSeconds = Math.floor(server.now / 1000);
    const expired = signedCheck(
      { method: 'GET', url: 'https://api.example.com/orders' },
      nowSeconds - 3600,
    );
    const answer = await httpCheck(server.app.httpPort!, {
      ...expired.signed,
      headers: {
        ...expired.signed.headers,
        ...expired.signature,
        traceparent: `00-${CLIENT_TRACE}-00f067aa0ba902b7-01`,
      },
    });
    const traceId = httpProblem(answer).trace_id;
    expect(traceId).toBe(CLIENT_TRACE);
    await waitFor(() => logText(file).includes('expired'), 5000);
    expect(readLines(file)).toEqual([
      expect.objectContaining({ decision: 'deny', reason: 'expired', trace_id: traceId }),
    ]);
  });
});

describe('decision log sampling', () => {
  const file = join(dir, 'sampled.log');
  let server: TestApp;
  beforeAll(async () => {
    server = await startTestApp([
      `--telemetry.decision-log=${file}`,
      '--telemetry.sample-allowed=0',
    ]);
  });
  afterAll(() => server.stop());

  it('writes every denial and no allowed check when sampleAllowed is 0', async () => {
    const nowSeconds = Math.floor(server.now / 1000);
    for (let i = 0; i < 3; i++) {
      const allowed = signedCheck({ method: 'GET', url: 'https://api.example.com/' }, nowSeconds);
      await server.client.check(allowed.request());
    }
    const expired = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      nowSeconds - 3600,
    );
    await server.client.check(expired.request());
    await waitFor(() => logText(file).includes('expired'), 5000);
    expect(readLines(file).map((line) => [line.decision, line.reason])).toEqual([
      ['deny', 'expired'],
    ]);
  });
});

describe('a decision log sink that never drains', () => {
  const fifo = join(dir, 'stuck.fifo');
  let server: TestApp;
  beforeAll(async () => {
    execFileSync('mkfifo', [fifo]);
    server = await startTestApp([`--telemetry.decision-log=${fifo}`]);
  });
  afterAll(async () => {
    // A reader lets the blocked open finish, so the server can close its log.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    await server.stop();
    closeSync(reader);
  });

  it('neither blocks nor fails checks', async () => {
    const nowSeconds = Math.floor(server.now / 1000);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        server.client.check(
          signedCheck({ method: 'GET', url: 'https://api.example.com/' }, nowSeconds).request(),
        ),
      ),
    );
    expect(answers.every((answer) => answer.ok_response !== undefined)).toBe(true);
  });
});

describe('a decision log path that cannot be opened', () => {
  const notADirectory = join(dir, 'plain-file');
  let server: TestApp;
  beforeAll(async () => {
    writeFileSync(notADirectory, '');
    server = await startTestApp([`--telemetry.decision-log=${notADirectory}/decisions.log`]);
  });
  afterAll(() => server.stop());

  it('leaves checks answering', async () => {
    const nowSeconds = Math.floor(server.now / 1000);
    for (let i = 0; i < 3; i++) {
      const check = signedCheck({ method: 'GET', url: 'https://api.example.com/' }, nowSeconds);
      expect((await server.client.check(check.request())).ok_response).toBeDefined();
    }
  });
});
