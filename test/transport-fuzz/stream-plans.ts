import { fc } from '@fast-check/vitest';
import { frame } from '../support/raw-grpc-call.js';
import { CHECK_PATH, HEALTH_CHECK_PATH, unsignedCheckFrame } from '../support/raw-h2.js';

const REFLECTION_V1 = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';
const REFLECTION_V1ALPHA = '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo';
const HEALTH_WATCH = '/grpc.health.v1.Health/Watch';

/** A message each path takes: a CheckRequest, an empty HealthCheckRequest, a reflection query. */
function validMessage(path: string): Buffer {
  if (path === CHECK_PATH) return unsignedCheckFrame();
  if (path === REFLECTION_V1 || path === REFLECTION_V1ALPHA) {
    // file_containing_symbol (field 4): the largest answer reflection gives.
    const symbol = Buffer.from('envoy.service.auth.v3.Authorization');
    return frame(Buffer.concat([Buffer.from([0x22, symbol.length]), symbol]));
  }
  return frame(Buffer.alloc(0));
}

/** How a stream ends, from the client's side. */
export type Ending = { kind: 'half-close' } | { kind: 'nothing' } | { kind: 'reset'; code: number };

/** What the client does to a whole connection, `afterMs` into the batch, mid-stream or not. */
export interface Teardown {
  readonly session: number;
  readonly kind: 'destroy' | 'goaway' | 'close';
  readonly code: number;
  readonly afterMs: number;
}

/** One stream: its headers, the chunks it writes (with a pause before each), how it ends. */
export interface StreamPlan {
  readonly headers: Record<string, string>;
  readonly chunks: ReadonlyArray<{ readonly bytes: Buffer; readonly pauseMs: number }>;
  readonly ending: Ending;
  /** A slow reader: never reads its responses. */
  readonly reads: boolean;
}

export interface BatchPlan {
  readonly sessions: number;
  readonly streams: readonly StreamPlan[];
  readonly teardowns: readonly Teardown[];
}

/** Mostly the methods the server serves; sometimes one it does not. */
const path = fc.oneof(
  { weight: 6, arbitrary: fc.constant(CHECK_PATH) },
  { weight: 4, arbitrary: fc.constantFrom(HEALTH_CHECK_PATH, HEALTH_WATCH) },
  { weight: 2, arbitrary: fc.constantFrom(REFLECTION_V1, REFLECTION_V1ALPHA) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('/envoy.service.auth.v3.Authorization/Nope', '/'),
  },
);

const headers = fc
  .record({
    path,
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT') },
    ),
    contentType: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom('application/grpc', 'application/grpc+proto') },
      { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain') },
    ),
    timeout: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('50m', '1S', '99999999H', '0n', '1.5S', '1234567890m'),
      },
    ),
    encoding: fc.oneof(
      { weight: 9, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('identity', 'gzip') },
    ),
  })
  .map(({ path, method, contentType, timeout, encoding }) => ({
    ':path': path,
    ':method': method,
    'content-type': contentType,
    ...(timeout === undefined ? {} : { 'grpc-timeout': timeout }),
    ...(encoding === undefined ? {} : { 'grpc-encoding': encoding }),
  }));

/** The bytes a stream sends for `path`: whole, cut, oversize, garbage, doubled, compressed. */
function body(forPath: string): fc.Arbitrary<Buffer> {
  const valid = validMessage(forPath);
  const declared = (length: number) => {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(length, 1);
    return prefix;
  };
  return fc.oneof(
    fc.constant(Buffer.alloc(0)),
    { weight: 5, arbitrary: fc.constant(valid) },
    { weight: 3, arbitrary: fc.nat({ max: valid.length }).map((cut) => valid.subarray(0, cut)) },
    fc.integer({ min: 2 ** 20, max: 2 ** 32 - 1 }).map(declared),
    fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
    fc.constant(Buffer.concat([valid, valid])),
    fc.constant(Buffer.concat([Buffer.from([1]), valid.subarray(1)])),
  );
}

/** `bytes` cut into up to four chunks, each after a pause of up to 30 ms. */
function chunked(bytes: Buffer): fc.Arbitrary<StreamPlan['chunks']> {
  return fc
    .array(fc.record({ cut: fc.nat({ max: bytes.length }), pauseMs: fc.nat({ max: 30 }) }), {
      maxLength: 3,
    })
    .map((cuts) => {
      const points = [...new Set(cuts.map((c) => c.cut)), bytes.length].sort((a, b) => a - b);
      let start = 0;
      return points.map((point, i) => {
        const chunk = { bytes: bytes.subarray(start, point), pauseMs: cuts[i]?.pauseMs ?? 0 };
        start = point;
        return chunk;
      });
    });
}

const code = fc.nat({ max: 13 });
const ending: fc.Arbitrary<Ending> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'half-close' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'nothing' as const }) },
  { weight: 2, arbitrary: code.map((value) => ({ kind: 'reset' as const, code: value })) },
);

const teardown: fc.Arbitrary<Teardown> = fc.record({
  session: fc.nat({ max: 3 }),
  kind: fc.constantFrom(
    'destroy' as const,
    'destroy' as const,
    'goaway' as const,
    'close' as const,
  ),
  code,
  afterMs: fc.integer({ min: 0, max: 400 }),
});

export const streamPlan: fc.Arbitrary<StreamPlan> = headers.chain((chosen) =>
  fc.record({
    headers: fc.constant(chosen),
    chunks: body(chosen[':path']).chain(chunked),
    ending,
    reads: fc.oneof(
      { weight: 4, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  }),
);

/**
 * A batch: a few connections, up to 300 streams spread over them (more than one connection may
 * open at once) and up to three connections torn down part-way.
 */
export const batchPlan: fc.Arbitrary<BatchPlan> = fc.record({
  sessions: fc.integer({ min: 1, max: 4 }),
  teardowns: fc.array(teardown, { maxLength: 3 }),
  streams: fc.oneof(
    { weight: 3, arbitrary: fc.array(streamPlan, { minLength: 1, maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: streamPlan.chain((plan) =>
        fc.integer({ min: 50, max: 300 }).map((n) => Array<StreamPlan>(n).fill(plan)),
      ),
    },
  ),
});

/** The batch a seed gives: the same seed, the same batch. */
export function sampleBatch(seed: number): BatchPlan {
  return fc.sample(batchPlan, { seed, numRuns: 1, unbiased: true })[0] as BatchPlan;
}
