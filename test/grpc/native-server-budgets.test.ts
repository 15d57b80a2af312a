import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countOf,
  expectStillAnswering,
  idleStreams,
  MIB,
  measureAbuse,
  unfinishedMessages,
} from '../support/grpc-abuse.js';
import {
  CHECK_PATH,
  openSession,
  openStream,
  statusOf,
  unsignedCheckFrame,
} from '../support/raw-h2.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';

/**
 * What RSS may grow by beyond the bytes the server keeps (docs/limits.md#the-grpc-port): socket
 * reads released but not yet collected (V8 collects them once about 64 MiB are outstanding)
 * and Node's heap moving.
 */
const RSS_MARGIN = 80 * MIB;
const RECEIVE_TIMEOUT_MS = 400;
const IDLE_TIMEOUT_MS = 1500;

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
    '--grpc.receive-timeout=2s',
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
  const server = useServer([
    `--grpc.receive-timeout=${RECEIVE_TIMEOUT_MS}ms`,
    // Long enough for the test client to open its streams on every connection.
    `--grpc.idle-timeout=${IDLE_TIMEOUT_MS}ms`,
  ]);

  it('ends a call whose request has not all arrived within grpc.receiveTimeout DEADLINE_EXCEEDED', async () => {
    const session = openSession(server.current.address);
    const whole = unsignedCheckFrame();
    const headersOnly = openStream(session, CHECK_PATH);
    const partial = openStream(session, CHECK_PATH);
    partial.write(whole.subarray(0, 12));
    const neverHalfClosed = openStream(session, CHECK_PATH);
    neverHalfClosed.write(whole);
    const longDeadline = openStream(session, CHECK_PATH, { 'grpc-timeout': '1H' });
    const started = Date.now();
    const statuses = await Promise.all(
      [headersOnly, partial, neverHalfClosed, longDeadline].map(statusOf),
    );
    expect(statuses).toEqual(['4', '4', '4', '4']);
    expect(Date.now() - started).toBeLessThan(RECEIVE_TIMEOUT_MS + 1000);
    session.destroy();
  });

  it('lets a connection open grpc.maxConcurrentStreams calls at once and reaps idle ones', async () => {
    // 4 connections × 512 streams that send HEADERS and nothing else.
    let announced = 0;
    const outcome = await measureAbuse(
      server.current,
      (sessions) => {
        announced = sessions[0]!.remoteSettings.maxConcurrentStreams ?? 0;
        return idleStreams(512)(sessions);
      },
      { sessions: 4, waitMs: 5000 },
    );
    console.log(
      `idle streams: RSS +${Math.round(outcome.peakGrowth / MIB)} MiB, all ended in ${outcome.elapsedMs} ms`,
    );
    expect(announced).toBe(256);
    expect(countOf(outcome.statuses, '4')).toBe(2048);
    // 1024 calls open at once (256 on each connection), about 16 KiB each.
    expect(outcome.peakGrowth).toBeLessThan(RSS_MARGIN);
    await expectStillAnswering(server.current);
  });

  it('closes a connection that carries no call for grpc.idleTimeout, though it sends PINGs', async () => {
    const session = openSession(server.current.address);
    await once(session, 'connect');
    const pinging = setInterval(() => {
      if (!session.closed && !session.destroyed) session.ping(() => {});
    }, 100);
    const goaway = once(session, 'goaway');
    const closed = once(session, 'close');
    const ended = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), IDLE_TIMEOUT_MS + 1500)),
    ]);
    clearInterval(pinging);
    expect(ended).toBe('closed');
    await goaway;
    session.destroy();
  });
});
