import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countOf,
  expectStillAnswering,
  MIB,
  measureAbuse,
  RSS_MARGIN,
  unfinishedMessages,
} from '../support/grpc-abuse.js';
import {
  expectIdleConnectionClosed,
  expectIdleStreamsReaped,
  expectUnfinishedRequestsEnded,
  IDLE_CLIENT_FLAGS,
  IDLE_CLIENTS,
} from '../support/idle-client-checks.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';

/** A server process for the enclosing describe block. */
function useServer(flags: string[]): { readonly current: ServerProcess } {
  const holder: { current: ServerProcess } = { current: undefined as unknown as ServerProcess };
  beforeAll(async () => {
    holder.current = await spawnServer([
      '--grpc.server=native',
      '--telemetry.decision-log=off',
      ...flags,
    ]);
  });
  afterAll(async () => {
    await holder.current.stop();
  });
  return holder;
}

describe('the native gRPC server under clients that send large messages slowly', () => {
  // Messages as large as the abuse declares, so the budget alone has to hold them.
  const server = useServer([
    `--grpc.max-message-bytes=${16 * MIB}`,
    `--grpc.max-buffered-bytes=${16 * MIB}`,
    '--grpc.receive-timeout=1s',
  ]);

  it('keeps no more than grpc.maxBufferedBytes of unfinished messages, whatever they declare', async () => {
    // 16 streams on one connection each declaring 16 MiB and sending 15 MiB of it: 240 MiB
    // offered, 16 MiB kept.
    const outcome = await measureAbuse(server.current, unfinishedMessages(16, 16 * MIB, 15 * MIB), {
      sessions: 1,
      waitMs: 6000,
    });
    console.log(
      `unfinished messages: RSS +${Math.round(outcome.peakGrowth / MIB)} MiB; statuses ${outcome.statuses.join(',')}`,
    );
    expect(outcome.peakGrowth).toBeLessThan(16 * MIB + RSS_MARGIN);
    // Two 15 MiB streams cannot both fit 16 MiB: at most one is still being read.
    expect(countOf(outcome.statuses, '8')).toBeGreaterThanOrEqual(15);
    await expectStillAnswering(server.current);
  });
});

describe('the native gRPC server under clients that open calls and send nothing', () => {
  const server = useServer(IDLE_CLIENT_FLAGS);

  it('ends a call whose request has not all arrived within grpc.receiveTimeout DEADLINE_EXCEEDED', async () => {
    await expectUnfinishedRequestsEnded(server.current, IDLE_CLIENTS);
  });

  it('lets a connection open grpc.maxConcurrentStreams calls at once and reaps idle ones', async () => {
    // 1024 calls open at once (256 on each connection), about 16 KiB each.
    await expectIdleStreamsReaped(server.current, IDLE_CLIENTS);
  });

  it('closes a connection that carries no call for grpc.idleTimeout, though it sends PINGs', async () => {
    await expectIdleConnectionClosed(server.current, IDLE_CLIENTS);
  });
});
