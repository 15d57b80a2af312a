/**
 * What a signed request costs around its one signature verification, in a loop callgrind can
 * count: the signature headers parsed, the profile and window checked, the key found (a cache
 * hit), the signature base built, the replay key hashed and claimed in the memory store, and the
 * agent's history read and written — everything `verifySignedRequest` and the store do for a
 * signed Ed25519 check except the verification itself, without the engine, telemetry or
 * transport around them.
 *
 *   node dist-bench/bench/measure-signature-steps.js --make FILE COUNT   (once, not counted)
 *   node dist-bench/bench/measure-signature-steps.js FILE WARM N
 *
 * Every run decodes all COUNT requests, so the instructions per step are
 * (I(W, N2) − I(W, N1)) / (N2 − N1) under `valgrind --tool=callgrind`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extractCredential } from '../src/credentials/extract-credential.js';
import { knownTestKeyOf } from '../src/keys/known-test-keys.js';
import { createKeyResolver } from '../src/keys/resolve-verification-key.js';
import { checkSignatureProfile } from '../src/proofs/check-signature-profile.js';
import { buildSignatureBase } from '../src/proofs/signature-base.js';
import { checkReplay, replayKey } from '../src/replay/check-replay.js';
import type { AuthzRequest } from '../src/request/authz-request.js';
import { createMemoryStore } from '../src/store/memory/create-memory-store.js';
import { decodeCheckRequest, encodeCheckRequest } from '../src/transport/grpc/check-codec.js';
import type { CheckRequestMessage } from '../src/transport/grpc/check-messages.js';
import { toAuthzRequest } from '../src/transport/grpc/to-authz-request.js';
import { prepareRequests, type SharedMaterial } from './make-requests.js';

const args = process.argv.slice(2);
if (args[0] === '--make') makeRequests(String(args[1]), Number(args[2]));
else await measure(String(args[0]), Number(args[1]), Number(args[2]));

/** Signed Ed25519 requests as the bench makes them, one base64 CheckRequest a line. */
function makeRequests(file: string, count: number): void {
  const prepared = prepareRequests('signed-ed25519', {} as SharedMaterial);
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const bytes = encodeCheckRequest(prepared.next() as CheckRequestMessage);
    lines.push(Buffer.from(bytes).toString('base64'));
  }
  writeFileSync(file, lines.join('\n'));
}

async function measure(file: string, warm: number, checks: number): Promise<void> {
  const requests = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => toAuthzRequest(decodeCheckRequest(Buffer.from(line, 'base64'))));
  if (warm + checks > requests.length) throw new Error(`${file} holds ${requests.length}`);
  const options = { tokens: false, signatures: { maxSignatures: 4, maxComponents: 32 } };
  // Any age: the requests were signed when FILE was made.
  const window = { maxAgeMs: 2 ** 31 - 1, clockSkewMs: 5000 };
  const resolveKey = createKeyResolver({ cacheSize: 100 });
  const store = createMemoryStore({ maxEntries: 1_000_000, maxAgents: 10_000 });
  let baseBytes = 0;
  const step = async (request: AuthzRequest): Promise<void> => {
    const nowMs = Date.now();
    const credential = extractCredential(request, options);
    if (credential.profile !== 'signed-request') throw new Error('not a signed request');
    const signature = credential.signature;
    const profiled = checkSignatureProfile(request, signature, [], window, nowMs);
    const key = await resolveKey(profiled.keyId);
    knownTestKeyOf(key.key);
    baseBytes += Buffer.from(buildSignatureBase(request, signature), 'utf8').length;
    const replay = replayKey('sig', profiled.keyId, profiled.nonce!);
    checkReplay(store.replay, replay, profiled.acceptableUntilMs - nowMs);
    const agent = key.stateId ?? key.controller;
    store.history.get(agent);
    const workload = request.source.principal || undefined;
    store.history.recordOutcome(agent, { allowed: true, workload, atMs: nowMs });
  };
  for (let i = 0; i < warm + checks; i += 1) await step(requests[i] as AuthzRequest);
  process.stdout.write(`${checks} steps after ${warm}; ${baseBytes} bytes of signature base\n`);
}
