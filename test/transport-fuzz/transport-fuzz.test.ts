import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStillAnswering, MIB, RSS_MARGIN } from '../support/grpc-abuse.js';
import { rssOf } from '../support/raw-h2.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';
import { type Outcomes, runBatch } from './run-batch.js';
import { sampleBatch } from './stream-plans.js';

/**
 * Seeded random HTTP/2 stream lifecycles against a real server process, for each gRPC server:
 * `npm test` runs a few seconds of it per server, `npm run fuzz:transport` longer
 * (FUZZ_TRANSPORT_SECONDS, FUZZ_TRANSPORT_SEED; docs/limits.md#the-grpc-port). A crash shows as
 * the process exiting; after each batch the process must be running, its RSS within the bound
 * and a valid check answered allow.
 */
const SECONDS = Number(process.env.FUZZ_TRANSPORT_SECONDS ?? 1.5);
const SEED = Number(process.env.FUZZ_TRANSPORT_SEED ?? 1);
/** How long one batch may keep its streams open before its connections are destroyed. */
const BATCH_CAP_MS = 800;
const BUFFERED_BYTES = 16 * MIB;

describe.each(['native', 'grpc-js'])('the %s gRPC server under seeded random streams', (kind) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await spawnServer([
      `--grpc.server=${kind}`,
      '--telemetry.decision-log=off',
      `--grpc.max-buffered-bytes=${BUFFERED_BYTES}`,
      '--grpc.receive-timeout=500ms',
    ]);
  });
  afterAll(async () => {
    await server.stop();
  });

  it(
    'stays up, within its memory bound and answering checks, batch after batch',
    async () => {
      await expectStillAnswering(server);
      const pid = server.child.pid as number;
      const baseline = rssOf(pid);
      const outcomes: Outcomes = new Map();
      const until = Date.now() + SECONDS * 1000;
      let batches = 0;
      let peak = baseline;
      while (Date.now() < until) {
        const seed = SEED + batches;
        const sampling = setInterval(() => {
          if (server.child.exitCode === null) peak = Math.max(peak, rssOf(pid));
        }, 25);
        await runBatch(server.address, sampleBatch(seed), BATCH_CAP_MS, outcomes).finally(() =>
          clearInterval(sampling),
        );
        batches += 1;
        // A crash while the batch's connections were torn down shows as an exit by now.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(
          server.child.exitCode,
          `batch seed ${seed}: ${server.output().slice(-2000)}`,
        ).toBeNull();
        expect(peak - baseline, `batch seed ${seed}`).toBeLessThan(BUFFERED_BYTES + RSS_MARGIN);
        await expectStillAnswering(server);
      }
      const seen = [...outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`);
      // An exception in the server's own call code is contained, but it is still a bug.
      expect(server.output()).not.toContain('failed inside the server');
      console.log(
        `${kind}: ${batches} batches from seed ${SEED}, peak RSS +${Math.round((peak - baseline) / MIB)} MiB; streams: ${seen.join(', ')}`,
      );
      expect(batches).toBeGreaterThan(0);
    },
    SECONDS * 1000 + 15_000,
  );
});
