import { createHash, type JsonWebKey } from 'node:crypto';
import { EmbeddedJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { type AgentKey, createDpopProof, generateAgentKey } from '../agent/index.js';
import { jwsAlgorithm, publicJwkOf, signCompactJws } from '../agent/sign-compact-jws.js';
import { isAuthzError } from '../errors.js';
import { cacheProofKeys, type ProofKeyGetter, type ProofKeys } from './cache-proof-keys.js';
import { verifyDpopProof } from './verify-dpop-proof.js';

const NOW_S = 1_800_000_000;
const URL = 'https://api.example.com/invoices';
const TOKEN = 'token-for-the-test';
const TARGET = { method: 'GET', uri: URL, accessToken: TOKEN };
const WINDOW = { maxAgeMs: 300_000, clockSkewMs: 30_000 };

/** The real import (jose's embedded-key checks), counted. */
function countingImport() {
  const imported: string[] = [];
  const importKey: ProofKeyGetter = (header, token) => {
    imported.push(String((header.jwk as JsonWebKey).x));
    return EmbeddedJWK(header, token);
  };
  return { importKey, imported };
}

function proofBy(agent: AgentKey): string {
  return createDpopProof({
    privateJwk: agent.privateJwk,
    method: 'GET',
    url: URL,
    accessToken: TOKEN,
    iat: NOW_S,
  });
}

/** A proof whose header jwk carries extra members, signed by the same key. */
function proofWithJwkMembers(agent: AgentKey, extra: Record<string, string>): string {
  const header = {
    typ: 'dpop+jwt',
    alg: jwsAlgorithm(agent.privateJwk),
    jwk: { ...publicJwkOf(agent.privateJwk), ...extra },
  };
  const payload = {
    jti: `jti-${Math.random()}`,
    htm: 'GET',
    htu: URL,
    iat: NOW_S,
    ath: createHash('sha256').update(TOKEN).digest('base64url'),
  };
  return signCompactJws(header, payload, agent.privateJwk);
}

function verify(proof: string, proofKey: ProofKeys) {
  return verifyDpopProof(proof, TARGET, WINDOW, NOW_S * 1000, proofKey);
}

async function reasonOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'accepted';
  } catch (error) {
    return isAuthzError(error) ? error.code : 'crashed';
  }
}

describe('the DPoP proof key cache', () => {
  it('imports a key once: later proofs by the same key verify without an import', async () => {
    const { importKey, imported } = countingImport();
    const lookups: string[] = [];
    const proofKey = cacheProofKeys({
      maxEntries: 10,
      maxBytes: 1_048_576,
      importKey,
      onLookup: (outcome) => lookups.push(outcome),
    });
    for (const type of ['p256', 'ed25519'] as const) {
      const agent = generateAgentKey({ type });
      const first = await verify(proofBy(agent), proofKey);
      const second = await verify(proofBy(agent), proofKey);
      expect(second.thumbprint).toBe(first.thumbprint);
      expect(second.jti).not.toBe(first.jti);
    }
    expect(imported).toHaveLength(2);
    expect(lookups).toEqual(['miss', 'hit', 'miss', 'hit']);
  });

  it('imports a different key afresh, and shares one import among concurrent proofs', async () => {
    const { importKey, imported } = countingImport();
    const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576, importKey });
    const [a, b] = [generateAgentKey(), generateAgentKey()];
    await Promise.all([verify(proofBy(a), proofKey), verify(proofBy(a), proofKey)]);
    await verify(proofBy(b), proofKey);
    expect(imported).toEqual([a.publicJwk.x, b.publicJwk.x]);
  });

  it('still refuses a proof whose signature is not by the cached key', async () => {
    const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
    const [agent, forger] = [generateAgentKey(), generateAgentKey()];
    await verify(proofBy(agent), proofKey);
    const forged = proofBy(forger).split('.');
    const genuine = proofBy(agent).split('.');
    const spliced = [genuine[0], genuine[1], forged[2]].join('.');
    expect(await reasonOf(verify(spliced, proofKey))).toBe('token_invalid');
  });

  it('keeps the jwk members the import checks in the cache key: use enc is refused after a hit', async () => {
    const { importKey, imported } = countingImport();
    const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576, importKey });
    const agent = generateAgentKey();
    expect(await reasonOf(verify(proofBy(agent), proofKey))).toBe('accepted');
    for (let i = 0; i < 2; i++) {
      const encryption = proofWithJwkMembers(agent, { use: 'enc' });
      expect(await reasonOf(verify(encryption, proofKey))).toBe('token_invalid');
    }
    // The failed import was not kept: each refusal imported again.
    expect(imported).toHaveLength(3);
  });

  it('is bounded: past maxEntries the least recently used key is imported again', async () => {
    const { importKey, imported } = countingImport();
    const proofKey = cacheProofKeys({ maxEntries: 2, maxBytes: 1_048_576, importKey });
    const [a, b, c] = [generateAgentKey(), generateAgentKey(), generateAgentKey()];
    for (const agent of [a, b, c, a]) await verify(proofBy(agent), proofKey);
    expect(imported).toEqual([a, b, c, a].map((agent) => agent.publicJwk.x));
  });

  it('is bounded by bytes too: a budget for one entry keeps only the last key', async () => {
    const { importKey, imported } = countingImport();
    const proofKey = cacheProofKeys({ maxEntries: 100, maxBytes: 3000, importKey });
    const [a, b] = [generateAgentKey(), generateAgentKey()];
    for (const agent of [a, b, b, a]) await verify(proofBy(agent), proofKey);
    expect(imported).toEqual([a, b, a].map((agent) => agent.publicJwk.x));
  });

  it('keeps a header only once it passed its checks, under the exact text it was decoded from', async () => {
    const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
    const agent = generateAgentKey();
    const proof = proofBy(agent);
    const encodedHeader = proof.slice(0, proof.indexOf('.'));
    const checked = (await verify(proof, proofKey)).thumbprint;
    expect(proofKey.checkedHeader(encodedHeader)?.thumbprint).toBe(checked);
    expect(Object.isFrozen(proofKey.checkedHeader(encodedHeader)?.header.jwk)).toBe(true);
    const notDpop = signCompactJws(
      { typ: 'JWT', alg: jwsAlgorithm(agent.privateJwk), jwk: publicJwkOf(agent.privateJwk) },
      { jti: 'j', htm: 'GET', htu: URL, iat: NOW_S },
      agent.privateJwk,
    );
    for (let i = 0; i < 2; i++) {
      expect(await reasonOf(verify(notDpop, proofKey))).toBe('token_invalid');
    }
    expect(proofKey.checkedHeader(notDpop.slice(0, notDpop.indexOf('.')))).toBeUndefined();
  });

  it('refuses a proof of other than three parts as before, though its header is kept', async () => {
    const proofKey = cacheProofKeys({ maxEntries: 10, maxBytes: 1_048_576 });
    const proof = proofBy(generateAgentKey());
    expect(await reasonOf(verify(proof, proofKey))).toBe('accepted');
    expect(await reasonOf(verify(`${proof}.x`, proofKey))).toBe('credential_malformed');
    expect(await reasonOf(verify(`${proof}.x.y`, proofKey))).toBe('token_invalid');
    expect(await reasonOf(verify(`${proof}=`, proofKey))).toBe('token_invalid');
  });
});
