import { describe, expect, it } from 'vitest';
import { denialResponse } from './denial-response.js';

const identity = { verified: false, profile: 'unsigned' } as const;

describe('denialResponse', () => {
  it('challenges a missing credential with Accept-Signature and a DPoP WWW-Authenticate', () => {
    const response = denialResponse(
      { allowed: false, identity, reason: 'credential_missing', message: 'sign it' },
      'trace-1',
    );
    const headers = Object.fromEntries(response.headers);
    expect(response.httpStatus).toBe(401);
    expect(headers['accept-signature']).toMatch(
      /^sig1=\("@method" "@authority" "@path".*;nonce;tag="agent-authz"$/,
    );
    expect(headers['www-authenticate']).toMatch(/^DPoP algs="/);
  });

  it('tells a rate-limited caller when to retry, in whole seconds', () => {
    const response = denialResponse(
      {
        allowed: false,
        identity,
        reason: 'rate_limited',
        message: 'slow down',
        retryAfterSeconds: 1.2,
      },
      't',
    );
    expect(response.httpStatus).toBe(429);
    expect(Object.fromEntries(response.headers)['retry-after']).toBe('2');
  });

  it('writes an RFC 9457 problem body with the reason and trace id', () => {
    const response = denialResponse(
      {
        allowed: false,
        identity,
        reason: 'replayed',
        message: 'this signature nonce was already used',
      },
      'abc',
    );
    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:agent-authz:problem:replayed',
      title: 'Request replayed',
      status: 401,
      detail: 'this signature nonce was already used',
      reason: 'replayed',
      trace_id: 'abc',
    });
    expect(Object.fromEntries(response.headers)['content-type']).toBe('application/problem+json');
  });
});
