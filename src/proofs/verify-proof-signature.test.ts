import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { compactVerify, EmbeddedJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { isAuthzError } from '../errors.js';
import { cacheProofKeys } from './cache-proof-keys.js';
import { verifyDpopProof } from './verify-dpop-proof.js';

const NOW_S = 1_800_000_000;
const URL = 'https://api.example.com/invoices';
const TOKEN = 'token-for-the-test';
const TARGET = { method: 'GET', uri: URL, accessToken: TOKEN };
const WINDOW = { maxAgeMs: 300_000, clockSkewMs: 30_000 };
/** The order of P-256 and of the Ed25519 base point. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherP256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed25519 = generateKeyPairSync('ed25519');

interface Parts {
  readonly alg: string;
  readonly publicKey: KeyObject;
  readonly extraHeader?: Record<string, unknown>;
  readonly payload?: Record<string, unknown>;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claims(): Record<string, unknown> {
  return {
    jti: `jti-${Math.random()}`,
    htm: 'GET',
    htu: URL,
    iat: NOW_S,
    ath: createHash('sha256').update(TOKEN).digest('base64url'),
  };
}

/** A compact JWS over the given header and payload, signed by `privateKey` as P1363/EdDSA. */
function proofSignedBy(privateKey: KeyObject, parts: Parts): string {
  const jwk = parts.publicKey.export({ format: 'jwk' });
  const header = encode({ typ: 'dpop+jwt', alg: parts.alg, jwk, ...parts.extraHeader });
  const signed = `${header}.${encode(parts.payload ?? claims())}`;
  const signature =
    privateKey.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(signed), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(null, Buffer.from(signed), privateKey);
  return `${signed}.${signature.toString('base64url')}`;
}

function withSignature(proof: string, signature: Buffer): string {
  return `${proof.slice(0, proof.lastIndexOf('.'))}.${signature.toString('base64url')}`;
}

function signatureOf(proof: string): Buffer {
  return Buffer.from(proof.slice(proof.lastIndexOf('.') + 1), 'base64url');
}

async function reasonOf(proof: string): Promise<string> {
  const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
  try {
    // Twice: the first call imports the key, the second finds it cached.
    await verifyDpopProof(proof, TARGET, WINDOW, NOW_S * 1000, proofKey);
    await verifyDpopProof(proof, TARGET, WINDOW, NOW_S * 1000, proofKey);
    return 'accepted';
  } catch (error) {
    return isAuthzError(error) ? error.code : 'crashed';
  }
}

async function joseAccepts(proof: string): Promise<boolean> {
  try {
    await compactVerify(proof, EmbeddedJWK, { algorithms: ['ES256', 'EdDSA', 'Ed25519'] });
    return true;
  } catch {
    return false;
  }
}

function bigintOf(bytes: Buffer): bigint {
  return BigInt(`0x${bytes.toString('hex')}`);
}

function bytesOf(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

describe('the DPoP proof signature through node:crypto', () => {
  it('accepts ES256, EdDSA and Ed25519 proofs signed by their embedded key', async () => {
    expect(await reasonOf(proofSignedBy(p256.privateKey, { alg: 'ES256', ...p256 }))).toBe(
      'accepted',
    );
    for (const alg of ['EdDSA', 'Ed25519']) {
      expect(await reasonOf(proofSignedBy(ed25519.privateKey, { alg, ...ed25519 }))).toBe(
        'accepted',
      );
    }
  });

  it('refuses a proof signed by a key other than the one it embeds', async () => {
    const proof = proofSignedBy(otherP256.privateKey, { alg: 'ES256', publicKey: p256.publicKey });
    expect(await reasonOf(proof)).toBe('token_invalid');
  });

  it('refuses a proof whose payload was changed after signing', async () => {
    for (const [privateKey, alg, publicKey] of [
      [p256.privateKey, 'ES256', p256.publicKey],
      [ed25519.privateKey, 'EdDSA', ed25519.publicKey],
    ] as const) {
      const proof = proofSignedBy(privateKey, { alg, publicKey });
      const [header, , signature] = proof.split('.');
      const tampered = `${header}.${encode({ ...claims(), jti: 'another' })}.${signature}`;
      expect(await reasonOf(tampered)).toBe('token_invalid');
    }
  });

  it('refuses an alg that does not fit the embedded key', async () => {
    const cases = [
      proofSignedBy(ed25519.privateKey, { alg: 'ES256', publicKey: ed25519.publicKey }),
      proofSignedBy(p256.privateKey, { alg: 'EdDSA', publicKey: p256.publicKey }),
      proofSignedBy(p256.privateKey, { alg: 'ES384', publicKey: p256.publicKey }),
      proofSignedBy(p256.privateKey, { alg: 'RS256', publicKey: p256.publicKey }),
    ];
    for (const proof of cases) expect(await reasonOf(proof)).toBe('token_invalid');
  });

  it('refuses ES256 signatures that are not 64 bytes of R and S below the group order', async () => {
    const proof = proofSignedBy(p256.privateKey, { alg: 'ES256', ...p256 });
    const signature = signatureOf(proof);
    const r = bigintOf(signature.subarray(0, 32));
    const der = sign(
      'sha256',
      Buffer.from(proof.slice(0, proof.lastIndexOf('.'))),
      p256.privateKey,
    );
    const malformed = [
      der,
      Buffer.concat([signature, Buffer.alloc(1)]),
      signature.subarray(0, 63),
      Buffer.alloc(64),
      Buffer.concat([bytesOf(r, 32), bytesOf(P256_N, 32)]),
      Buffer.concat([bytesOf(P256_N, 32), signature.subarray(32)]),
    ];
    for (const bad of malformed) {
      const refused = withSignature(proof, bad);
      expect(await joseAccepts(refused)).toBe(false);
      expect(await reasonOf(refused)).toBe('token_invalid');
    }
  });

  it('treats a high-S ES256 signature exactly as jose did', async () => {
    const proof = proofSignedBy(p256.privateKey, { alg: 'ES256', ...p256 });
    const signature = signatureOf(proof);
    const s = bigintOf(signature.subarray(32));
    const flipped = withSignature(
      proof,
      Buffer.concat([signature.subarray(0, 32), bytesOf(P256_N - s, 32)]),
    );
    const expected = (await joseAccepts(flipped)) ? 'accepted' : 'token_invalid';
    expect(await reasonOf(flipped)).toBe(expected);
  });

  it('refuses an Ed25519 signature whose S is not below the group order', async () => {
    const proof = proofSignedBy(ed25519.privateKey, { alg: 'EdDSA', ...ed25519 });
    const signature = signatureOf(proof);
    const s = bigintOf(Buffer.from(signature.subarray(32)).reverse());
    const sPlusL = bytesOf(s + ED25519_L, 32).reverse();
    const refused = withSignature(proof, Buffer.concat([signature.subarray(0, 32), sPlusL]));
    expect(await reasonOf(refused)).toBe('token_invalid');
  });

  it('refuses parts that are not strict base64url and critical header members', async () => {
    const proof = proofSignedBy(p256.privateKey, { alg: 'ES256', ...p256 });
    const padded = `${proof}=`;
    const extraPart = `${proof}.`;
    const critical = proofSignedBy(p256.privateKey, {
      alg: 'ES256',
      ...p256,
      extraHeader: { crit: ['exp'], exp: 1 },
    });
    for (const bad of [padded, extraPart, critical]) {
      expect(['token_invalid', 'credential_malformed']).toContain(await reasonOf(bad));
    }
  });
});
