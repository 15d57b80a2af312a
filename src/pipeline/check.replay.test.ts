import { createPublicKey, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import {
  type BareItem,
  type InnerList,
  serializeDictionary,
  serializeInnerList,
} from 'structured-headers';
import { describe, expect, it } from 'vitest';
import { testCheckDeps } from '../../test/support/test-check-deps.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { buildSignatureBase } from '../proofs/signature-base.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { runCheck } from './check.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const NOW = NOW_MS / 1000;
/** The order of the P-256 group: (r, s) and (r, n − s) are both valid ECDSA signatures. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const AGENT = '"https://crawler.example"';

function request(
  headers: Record<string, string>,
  method = 'GET',
  path = '/products',
): AuthzRequest {
  return {
    method,
    receivedMethod: method,
    scheme: 'https',
    authority: 'shop.example.com',
    path,
    query: null,
    headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
    body: null,
    source: { principal: '', certificate: '', address: '' },
    contextExtensions: {},
    requestId: 'replay-test',
  };
}

describe('a Web Bot Auth signature without a nonce', () => {
  it('cannot be replayed by re-encoding its ECDSA signature as (r, n − s)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey & Record<string, unknown>;
    const thumbprint = jwkThumbprint(jwk)!;
    const deps = testCheckDeps(NOW_MS, {
      // The directory lookup itself is tested over HTTPS in test/network; here it is given.
      resolveDirectoryKey: async (location) => ({
        keyId: thumbprint,
        controller: location.agentId,
        algorithm: 'ecdsa-p256-sha256',
        key: createPublicKey({ key: jwk, format: 'jwk' }),
        directorySigned: false,
      }),
    });
    const params = new Map<string, BareItem>([
      ['created', NOW],
      ['expires', NOW + 60],
      ['keyid', thumbprint],
      ['tag', 'web-bot-auth'],
    ]);
    const inner: InnerList = [
      [
        ['@authority', new Map()],
        ['signature-agent', new Map()],
      ],
      params,
    ];
    const base = buildSignatureBase(request({ 'signature-agent': AGENT }), {
      components: [
        { name: '@authority', params: new Map(), serialized: '"@authority"' },
        { name: 'signature-agent', params: new Map(), serialized: '"signature-agent"' },
      ],
      serializedParams: serializeInnerList(inner),
    });
    const original = sign('sha256', Buffer.from(base), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const s = BigInt(`0x${original.subarray(32).toString('hex')}`);
    const reencoded = Buffer.concat([
      original.subarray(0, 32),
      Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex'),
    ]);
    const headers = (signature: Buffer) => ({
      'signature-agent': AGENT,
      'signature-input': serializeDictionary(new Map([['sig1', inner]])),
      signature: serializeDictionary(new Map([['sig1', [signature, new Map()]]])),
    });
    expect((await runCheck(request(headers(original)), deps)).allowed).toBe(true);
    const replay = await runCheck(request(headers(reencoded), 'DELETE', '/admin'), deps);
    expect(replay).toMatchObject({ allowed: false, reason: 'replayed' });
  });
});
