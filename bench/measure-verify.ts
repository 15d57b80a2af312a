/**
 * Floors: the raw CPU cost of one signature verification with each verifier installable from
 * the registry, measured in its own process (pinned to the server's core). Prints JSON:
 * `{ "ed25519-node": µs, "ed25519-sodium": µs, "p256-node": µs }`.
 * `node measure-verify.js SECONDS`
 */
import { generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { median } from './statistics.js';

const require = createRequire(import.meta.url);
const sodium = require('sodium-native') as {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
};

/** About the size of an RFC 9421 signature base for a GET with a query. */
const MESSAGE = randomBytes(320);

type Verifier = () => boolean;

function nodeVerifier(type: 'ed25519' | 'p256'): Verifier {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key: KeyObject = pair.publicKey;
  if (type === 'ed25519') {
    const signature = sign(null, MESSAGE, pair.privateKey);
    return () => verify(null, MESSAGE, key, signature);
  }
  const signature = sign('sha256', MESSAGE, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  return () => verify('sha256', MESSAGE, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

function sodiumVerifier(): Verifier {
  const pair = generateKeyPairSync('ed25519');
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  const signature = sign(null, MESSAGE, pair.privateKey);
  return () => sodium.crypto_sign_verify_detached(signature, MESSAGE, publicKey);
}

/** CPU µs per verification over a batch lasting about `seconds`. */
function cpuMicrosPerCall(verifier: Verifier, seconds: number): number {
  const before = process.cpuUsage();
  const wallEnd = performance.now() + seconds * 1000;
  let calls = 0;
  while (performance.now() < wallEnd) {
    for (let i = 0; i < 100; i++) if (!verifier()) throw new Error('verification failed');
    calls += 100;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const seconds = Number(process.argv[2] ?? 1);
const verifiers: Record<string, Verifier> = {
  'ed25519-node': nodeVerifier('ed25519'),
  'ed25519-sodium': sodiumVerifier(),
  'p256-node': nodeVerifier('p256'),
};
const rounds = 5;
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(verifiers).map((name) => [name, []]),
);
for (const name of Object.keys(verifiers)) cpuMicrosPerCall(verifiers[name]!, 0.05);
for (let round = 0; round < rounds; round++) {
  for (const [name, verifier] of Object.entries(verifiers)) {
    samples[name]!.push(cpuMicrosPerCall(verifier, seconds / rounds));
  }
}
const result = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]));
process.stdout.write(`${JSON.stringify(result)}\n`);
