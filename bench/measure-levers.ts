/**
 * The three verification levers of issue 13, each measured in one process against the code it
 * replaced, rounds interleaved, CPU µs per call (median of the rounds):
 * - Ed25519: the libsodium verifier against the node:crypto one (the same checks around both);
 * - DPoP: `verifyDpopProof` with the proof key cache against jose's `EmbeddedJWK` (an import
 *   per proof, what the code did before), P-256 and Ed25519 proofs, a new proof every call;
 * - DPoP signature: the proof's signature step alone, node:crypto against the cached key's
 *   KeyObject (`verifyProofSignature`) against jose's `compactVerify` (WebCrypto) with the same
 *   cached key, P-256 and Ed25519 proofs;
 * - certificate-bound: the cached certificate thumbprint against computing it per request.
 * `node dist-bench/bench/measure-levers.js [SECONDS] [--json FILE]`
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compactVerify, decodeProtectedHeader, EmbeddedJWK } from 'jose';
import { createDpopProof, generateAgentKey } from '../src/agent/index.js';
import { cacheCertificateThumbprints } from '../src/binding/cache-certificate-thumbprints.js';
import { peerCertificateThumbprint } from '../src/binding/certificate-thumbprint.js';
import { cacheProofKeys, type ProofKeys } from '../src/proofs/cache-proof-keys.js';
import { DPOP_ALGORITHMS, verifyDpopProof } from '../src/proofs/verify-dpop-proof.js';
import { createEd25519Verifier } from '../src/proofs/verify-ed25519.js';
import { compactParts, verifyProofSignature } from '../src/proofs/verify-proof-signature.js';
import { createTestCa } from '../test/support/test-pki.js';
import { median } from './statistics.js';

type Call = () => unknown;
interface Lever {
  readonly name: string;
  readonly before: Call;
  readonly after: Call;
}

const { values, positionals } = parseArgs({
  options: { json: { type: 'string' } },
  allowPositionals: true,
});
const seconds = Number(positionals[0] ?? 10);
const ROUNDS = 7;

function ed25519Lever(): Lever {
  const message = randomBytes(320);
  const pair = generateKeyPairSync('ed25519');
  const signature = sign(null, message, pair.privateKey);
  const sodium = createEd25519Verifier();
  const openssl = createEd25519Verifier(() => {
    throw new Error('measuring the fallback');
  });
  if (sodium.backend !== 'libsodium') throw new Error('libsodium did not load');
  return {
    name: 'Ed25519 verify (320-byte base)',
    before: () => openssl.verify(pair.publicKey, message, signature),
    after: () => sodium.verify(pair.publicKey, message, signature),
  };
}

const URL = 'https://api.example.com/orders';
const TOKEN = 'an-access-token';
const WINDOW = { maxAgeMs: 300_000, clockSkewMs: 30_000 };

/** New proofs by one agent, made ahead so making them is not measured. */
function dpopLever(type: 'p256' | 'ed25519', count: number): Lever & { prepare(): void } {
  const agent = generateAgentKey({ type });
  let proofs: string[] = [];
  let next = 0;
  const verifyWith = (proofKeys: ProofKeys) => () =>
    verifyDpopProof(
      proofs[next++ % proofs.length]!,
      { method: 'GET', uri: URL, accessToken: TOKEN },
      WINDOW,
      Date.now(),
      proofKeys,
    );
  return {
    name: `DPoP proof (${type === 'p256' ? 'ES256' : 'EdDSA'}), verifyDpopProof`,
    prepare: () => {
      proofs = Array.from({ length: count }, () =>
        createDpopProof({
          privateJwk: agent.privateJwk,
          method: 'GET',
          url: URL,
          accessToken: TOKEN,
        }),
      );
    },
    before: verifyWith({
      checkedHeader: () => undefined,
      keepCheckedHeader: () => {},
      key: EmbeddedJWK,
    }),
    after: verifyWith(cacheProofKeys({ maxEntries: 10_000, maxBytes: 16_777_216 })),
  };
}

/** The signature step only, one cached key for both sides; a new proof every call. */
function dpopSignatureLever(type: 'p256' | 'ed25519', count: number): Lever & { prepare(): void } {
  const agent = generateAgentKey({ type });
  const proofKey = cacheProofKeys({ maxEntries: 10_000, maxBytes: 16_777_216 });
  let proofs: string[] = [];
  let next = 0;
  return {
    name: `DPoP proof signature (${type === 'p256' ? 'ES256' : 'EdDSA'}), jose vs node:crypto`,
    prepare: () => {
      proofs = Array.from({ length: count }, () =>
        createDpopProof({
          privateJwk: agent.privateJwk,
          method: 'GET',
          url: URL,
          accessToken: TOKEN,
        }),
      );
    },
    before: () =>
      compactVerify(proofs[next++ % proofs.length]!, proofKey.key, {
        algorithms: [...DPOP_ALGORITHMS],
      }),
    after: () => {
      const proof = proofs[next++ % proofs.length]!;
      const [parts, header] = [compactParts(proof), decodeProtectedHeader(proof)];
      return verifyProofSignature(proof, parts, header, proofKey.key, DPOP_ALGORITHMS);
    },
  };
}

async function certificateLever(): Promise<Lever> {
  const certificate = (await (await createTestCa()).issue({ commonName: 'agent' }))
    .envoyCertificate;
  const cached = cacheCertificateThumbprints(peerCertificateThumbprint, {
    maxEntries: 1000,
    maxBytes: 8 * 1024 * 1024,
  });
  // A new string each call, as each decoded request carries its own copy.
  const copy = () => certificate.slice(0, 10) + certificate.slice(10);
  return {
    name: `certificate thumbprint (${certificate.length}-char URL-encoded PEM)`,
    before: () => peerCertificateThumbprint(copy()),
    after: () => cached(copy()),
  };
}

/** CPU µs per call over about `ms` of calls (async calls awaited one at a time). */
async function cpuMicros(call: Call, ms: number): Promise<number> {
  const start = process.cpuUsage();
  const end = performance.now() + ms;
  let calls = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 20; i++) await call();
    calls += 20;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const dpop = [
  dpopLever('p256', 4000),
  dpopLever('ed25519', 4000),
  dpopSignatureLever('p256', 4000),
  dpopSignatureLever('ed25519', 4000),
];
const levers: Lever[] = [ed25519Lever(), ...dpop, await certificateLever()];
const windowMs = (seconds * 1000) / (ROUNDS * levers.length * 2);
const samples = levers.map(() => ({ before: [] as number[], after: [] as number[] }));
for (const lever of dpop) lever.prepare();
for (const lever of levers) {
  await cpuMicros(lever.before, 50);
  await cpuMicros(lever.after, 50);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, lever] of levers.entries()) {
    samples[i]!.before.push(await cpuMicros(lever.before, windowMs));
    samples[i]!.after.push(await cpuMicros(lever.after, windowMs));
  }
}
const rows = levers.map((lever, i) => {
  const before = median(samples[i]!.before);
  const after = median(samples[i]!.after);
  const ratios = samples[i]!.after.map((a, r) => a / samples[i]!.before[r]!);
  return { lever: lever.name, before, after, ratio: median(ratios) };
});
for (const row of rows) {
  process.stdout.write(
    `${row.lever.padEnd(58)} before ${row.before.toFixed(1).padStart(7)} µs  after ${row.after.toFixed(1).padStart(7)} µs  after/before ${row.ratio.toFixed(2)}\n`,
  );
}
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(rows, null, 2)}\n`);
