import { describe, expect, it } from 'vitest';
import type { RequestShape } from '../support/envoy-check-request.js';
import {
  httpCheck,
  httpProblem,
  removedHeaders,
  upstreamHeaders,
} from '../support/envoy-http-client.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp();
const nowSeconds = () => Math.floor(server.now / 1000);
const ask = (shape: RequestShape) => httpCheck(server.app.httpPort!, shape);

/** The shape Envoy would see for a signed request, optionally differing from what was signed. */
function sent(check: ReturnType<typeof signedCheck>, changes: Partial<RequestShape> = {}) {
  const shape = { ...check.signed, ...changes };
  return { ...shape, headers: { ...shape.headers, ...check.signature } };
}

const FORGED = {
  'x-agent-id': 'did:web:bank.example.com',
  'x-agent-verified': 'true',
  'x-agent-trust': 'trusted',
  'x-agent-anything': 'yes',
};

describe('a signed request checked over HTTP', () => {
  it('is answered 200 with the verified identity headers and the decision metadata', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/orders?limit=10' },
      nowSeconds(),
    );
    const answer = await ask(sent(check));
    expect(answer.status).toBe(200);
    expect(upstreamHeaders(answer)).toEqual({
      'x-agent-id': check.key.didKey,
      'x-agent-key-id': check.key.keyId,
      'x-agent-verified': 'true',
      'x-agent-profile': 'signed-request',
      'x-agent-trust': 'new',
    });
    expect(answer.headers).toMatchObject({
      'x-agent-authz-decision': 'allow',
      'x-agent-authz-agent-id': check.key.didKey,
      'x-agent-authz-profile': 'signed-request',
    });
  });

  it('is denied 401 replayed with problem+json the second time', async () => {
    const check = signedCheck({ method: 'GET', url: 'https://api.example.com/a' }, nowSeconds());
    expect((await ask(sent(check))).status).toBe(200);
    const replay = await ask(sent(check));
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toBe('application/problem+json');
    expect(httpProblem(replay)).toMatchObject({ reason: 'replayed', status: 401 });
    expect(replay.headers['x-agent-authz-reason']).toBe('replayed');
  });

  it('is denied 401 signature_invalid when the path differs from the signed one', async () => {
    const check = signedCheck({ method: 'GET', url: 'https://api.example.com/a' }, nowSeconds());
    const answer = await ask(sent(check, { url: 'https://api.example.com/admin' }));
    expect(answer.status).toBe(401);
    expect(httpProblem(answer).reason).toBe('signature_invalid');
  });

  it('is denied 401 digest_mismatch when the forwarded body is not the signed one', async () => {
    const check = signedCheck(
      { method: 'POST', url: 'https://api.example.com/orders', body: '{"sku":"A-1"}' },
      nowSeconds(),
    );
    const answer = await ask(sent(check, { body: '{"sku":"A-9"}' }));
    expect(answer.status).toBe(401);
    expect(httpProblem(answer).reason).toBe('digest_mismatch');
  });

  it('is allowed when the forwarded body matches its content-digest', async () => {
    const check = signedCheck(
      { method: 'POST', url: 'https://api.example.com/orders', body: '{"sku":"A-1"}' },
      nowSeconds(),
    );
    expect((await ask(sent(check))).status).toBe(200);
  });

  it('has forged identity headers replaced by verified ones and the others removed', async () => {
    const check = signedCheck({ method: 'GET', url: 'https://api.example.com/' }, nowSeconds());
    const answer = await ask(sent(check, { headers: FORGED }));
    expect(upstreamHeaders(answer)['x-agent-id']).toBe(check.key.didKey);
    expect(upstreamHeaders(answer)['x-agent-trust']).toBe('new');
    expect(removedHeaders(answer)).toEqual(
      [
        'x-agent-anything',
        'x-agent-decision',
        'x-agent-unchecked',
        'x-agent-owner',
        'x-agent-purpose',
        'x-agent-workload',
        'x-agent-zone',
      ].sort(),
    );
  });

  it('verifies a covered header sent as two lines, combined with ", "', async () => {
    const check = signedCheck(
      {
        method: 'GET',
        url: 'https://api.example.com/x',
        headers: { 'agent-purpose': ['a', 'b'] },
      },
      nowSeconds(),
      { coverHeaders: ['agent-purpose'] },
    );
    expect((await ask(sent(check))).status).toBe(200);
  });
});

describe('an unsigned request checked over HTTP', () => {
  it('has identity headers spelt with underscores removed as well', async () => {
    const answer = await ask({
      method: 'GET',
      url: 'https://shop.example.com/',
      headers: { x_agent_id: 'did:web:bank.example.com', X_Agent_Trust: 'trusted' },
    });
    expect(removedHeaders(answer)).toEqual(expect.arrayContaining(['x_agent_id', 'x_agent_trust']));
    expect(upstreamHeaders(answer)['x-agent-id']).toBeUndefined();
  });

  it('is allowed and tagged unverified, with every forged identity header removed', async () => {
    const answer = await ask({
      method: 'GET',
      url: 'https://shop.example.com/',
      headers: FORGED,
    });
    expect(answer.status).toBe(200);
    expect(upstreamHeaders(answer)).toEqual({
      'x-agent-verified': 'false',
      'x-agent-profile': 'unsigned',
    });
    expect(removedHeaders(answer)).toEqual(
      [
        'x-agent-anything',
        'x-agent-decision',
        'x-agent-unchecked',
        'x-agent-id',
        'x-agent-key-id',
        'x-agent-owner',
        'x-agent-purpose',
        'x-agent-trust',
        'x-agent-workload',
        'x-agent-zone',
      ].sort(),
    );
  });
});
