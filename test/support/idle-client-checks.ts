import { once } from 'node:events';
import { expect } from 'vitest';
import {
  countOf,
  expectStillAnswering,
  idleStreams,
  MIB,
  measureAbuse,
  RSS_MARGIN,
} from './grpc-abuse.js';
import { CHECK_PATH, openSession, openStream, statusOf, unsignedCheckFrame } from './raw-h2.js';
import type { ServerProcess } from './spawn-server.js';

/**
 * The checks both gRPC servers are held to against clients that open calls or connections and
 * then send nothing more, for a server started with `grpc.receiveTimeout` and `grpc.idleTimeout`
 * of these lengths (test/grpc/native-server-budgets.test.ts, grpc-js-server-bounds.test.ts).
 */
export interface IdleClientBounds {
  readonly receiveTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** What RSS may grow by while 1024 idle calls are open. */
  readonly rssMargin: number;
}

/** The bounds both servers are started with for these checks (`IDLE_CLIENT_FLAGS`). */
export const IDLE_CLIENTS: IdleClientBounds = {
  receiveTimeoutMs: 400,
  // Long enough for the test client to open its first stream on every connection.
  idleTimeoutMs: 600,
  rssMargin: RSS_MARGIN,
};

export const IDLE_CLIENT_FLAGS = [
  `--grpc.receive-timeout=${IDLE_CLIENTS.receiveTimeoutMs}ms`,
  `--grpc.idle-timeout=${IDLE_CLIENTS.idleTimeoutMs}ms`,
];

/** HEADERS only, part of a message, no half-close, a long grpc-timeout: each ends in time. */
export async function expectUnfinishedRequestsEnded(
  server: ServerProcess,
  bounds: IdleClientBounds,
): Promise<void> {
  const session = openSession(server.address);
  const whole = unsignedCheckFrame();
  const headersOnly = openStream(session, CHECK_PATH);
  const partial = openStream(session, CHECK_PATH);
  partial.write(whole.subarray(0, 12));
  const neverHalfClosed = openStream(session, CHECK_PATH);
  neverHalfClosed.write(whole);
  const longDeadline = openStream(session, CHECK_PATH, { 'grpc-timeout': '1H' });
  const started = Date.now();
  const streams = [headersOnly, partial, neverHalfClosed, longDeadline];
  expect(await Promise.all(streams.map(statusOf))).toEqual(['4', '4', '4', '4']);
  expect(Date.now() - started).toBeLessThan(bounds.receiveTimeoutMs + 1000);
  session.destroy();
}

/** 4 connections × 512 streams that send HEADERS and nothing else: 256 open on each, all reaped. */
export async function expectIdleStreamsReaped(
  server: ServerProcess,
  bounds: IdleClientBounds,
): Promise<void> {
  let announced = 0;
  const outcome = await measureAbuse(
    server,
    (sessions) => {
      announced = sessions[0]?.remoteSettings.maxConcurrentStreams ?? 0;
      return idleStreams(512)(sessions);
    },
    { sessions: 4, waitMs: 5000 },
  );
  console.log(
    `idle streams: RSS +${Math.round(outcome.peakGrowth / MIB)} MiB, all ended in ${outcome.elapsedMs} ms`,
  );
  expect(announced).toBe(256);
  expect(countOf(outcome.statuses, '4')).toBe(2048);
  expect(outcome.peakGrowth).toBeLessThan(bounds.rssMargin);
  await expectStillAnswering(server);
}

/** A connection that only sends PINGs is closed once the idle timeout has passed. */
export async function expectIdleConnectionClosed(
  server: ServerProcess,
  bounds: IdleClientBounds,
): Promise<void> {
  const session = openSession(server.address);
  await once(session, 'connect');
  const pinging = setInterval(() => {
    if (!session.closed && !session.destroyed) session.ping(() => {});
  }, 100);
  const ended = await Promise.race([
    once(session, 'close').then(() => 'closed'),
    new Promise((resolve) => setTimeout(() => resolve('still open'), bounds.idleTimeoutMs + 1500)),
  ]);
  clearInterval(pinging);
  expect(ended).toBe('closed');
  session.destroy();
}
