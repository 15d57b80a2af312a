import { describe, expect, it } from 'vitest';
import { jwkToMultikey } from '../../src/keys/multikey.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Issue 8 item 12: with a small-order Ed25519 public key A, the cofactorless check
 * [S]B = R + [k]A holds for R = identity and S = 0 whenever [k]A is the identity — always for
 * A = identity — so one constant signature "verifies" any request. Such keys are refused when
 * the key is resolved, before any signature is checked.
 */

const server = useTestApp();
const nowSeconds = () => Math.floor(server.now / 1000);

/** The encoding of the identity point (0, 1): y = 1, little-endian, sign bit clear. */
const IDENTITY = Buffer.concat([Buffer.of(1), Buffer.alloc(31)]);
/** R = identity, S = 0. */
const CONSTANT_SIGNATURE = Buffer.concat([IDENTITY, Buffer.alloc(32)]);

function didKeyOf(publicKey: Buffer): { did: string; keyId: string } {
  const multikey = jwkToMultikey({
    kty: 'OKP',
    crv: 'Ed25519',
    x: publicKey.toString('base64url'),
  });
  return { did: `did:key:${multikey}`, keyId: `did:key:${multikey}#${multikey}` };
}

function constantSignatureRequest(keyId: string, method: string, path: string): object {
  const input =
    `sig1=("@method" "@authority" "@path");created=${nowSeconds()};keyid="${keyId}"` +
    `;nonce="n-${method}-${path}";tag="agent-authz"`;
  return envoyCheckRequest({
    method,
    url: `https://api.example.com${path}`,
    headers: {
      'signature-input': input,
      signature: `sig1=:${CONSTANT_SIGNATURE.toString('base64')}:`,
    },
  });
}

describe('a did:key whose Ed25519 public key is the identity point', () => {
  it.each([
    ['GET', '/orders'],
    ['DELETE', '/admin/users/1'],
  ])(
    'cannot sign %s %s with the constant signature (R = identity, S = 0)',
    async (method, path) => {
      const { keyId } = didKeyOf(IDENTITY);
      const response = await server.client.check(constantSignatureRequest(keyId, method, path));
      expect(response.ok_response).toBeUndefined();
      expect(problem(response)).toMatchObject({ reason: 'key_unresolvable', status: 401 });
    },
  );
});

describe('a did:key whose Ed25519 public key is not canonically encoded', () => {
  it('is refused when y is at least p (here p + 1, another spelling of the identity)', async () => {
    const p1 = Buffer.alloc(32, 0xff);
    p1[0] = 0xee; // 2^255 - 19 + 1 = 0x7fff…ffee, little-endian
    p1[31] = 0x7f;
    const { keyId } = didKeyOf(p1);
    const response = await server.client.check(constantSignatureRequest(keyId, 'GET', '/a'));
    expect(problem(response)).toMatchObject({ reason: 'key_unresolvable' });
  });
});
