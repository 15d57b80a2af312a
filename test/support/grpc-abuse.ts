import { once } from 'node:events';
import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { expect } from 'vitest';
import { CHECK_PATH, openSession, openStream, rssOf, statusOf } from './raw-h2.js';
import type { ServerProcess } from './spawn-server.js';

/** What came of a batch of abusive streams: each one's grpc-status (or `reset`, `open`). */
export interface AbuseOutcome {
  readonly statuses: string[];
  /** The server's largest RSS growth over its RSS before the abuse, in bytes. */
  readonly peakGrowth: number;
  readonly elapsedMs: number;
}

/**
 * Runs `abuse` (which opens streams and returns each one's final status) against a server
 * process, sampling its RSS every 20 ms until every stream has ended or `waitMs` passed; a
 * stream still open by then counts as `open`. The sessions are destroyed afterwards.
 */
export async function measureAbuse(
  server: ServerProcess,
  abuse: (sessions: ClientHttp2Session[]) => Promise<string>[],
  options: { sessions: number; waitMs: number },
): Promise<AbuseOutcome> {
  const pid = server.child.pid as number;
  const before = rssOf(pid);
  const sessions = Array.from({ length: options.sessions }, () => openSession(server.address));
  await Promise.all(sessions.map((session) => once(session, 'remoteSettings')));
  const started = Date.now();
  const statuses: string[] = [];
  const ends = abuse(sessions).map((status, index) =>
    status.then((value) => {
      statuses[index] = value;
    }),
  );
  let peak = before;
  const settled = Promise.all(ends);
  let done = false;
  void settled.then(() => {
    done = true;
  });
  while (!done && Date.now() - started < options.waitMs && server.child.exitCode === null) {
    peak = Math.max(peak, rssOf(pid));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const elapsedMs = Date.now() - started;
  for (let i = 0; i < ends.length; i++) statuses[i] ??= 'open';
  for (const session of sessions) session.destroy();
  return { statuses: [...statuses], peakGrowth: peak - before, elapsedMs };
}

/**
 * `count` Check streams spread over the sessions, each declaring a `declaredBytes` message and
 * sending `sentBytes` of it, never half-closing.
 */
export function unfinishedMessages(count: number, declaredBytes: number, sentBytes: number) {
  return (sessions: ClientHttp2Session[]): Promise<string>[] =>
    Array.from({ length: count }, (_, i) => {
      const stream = openStream(sessions[i % sessions.length]!, CHECK_PATH);
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(declaredBytes, 1);
      stream.write(prefix);
      void pump(stream, sentBytes);
      return statusOf(stream);
    });
}

/**
 * Writes `bytes` as fast as the server takes them (flow control), so the client's own HTTP/2
 * session does not queue them all, until they are sent or the stream is closed.
 */
async function pump(stream: ClientHttp2Stream, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(65_536, 0x0a);
  for (let sent = 0; sent < bytes && !stream.closed && !stream.destroyed; sent += chunk.length) {
    if (!stream.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) {
      await drainedOrClosed(stream);
    }
  }
}

function drainedOrClosed(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * `count` Check streams on each session that send HEADERS and then nothing at all, opened in
 * turn across the sessions so that every connection gets its first call at once.
 */
export function idleStreams(count: number) {
  return (sessions: ClientHttp2Session[]): Promise<string>[] =>
    Array.from({ length: count * sessions.length }, (_, i) =>
      statusOf(openStream(sessions[i % sessions.length]!, CHECK_PATH)),
    );
}

/** How many of `statuses` are `status`. */
export function countOf(statuses: readonly string[], status: string): number {
  return statuses.filter((value) => value === status).length;
}

/** The process is running and answers an unsigned check with an ok_response. */
export async function expectStillAnswering(server: ServerProcess): Promise<void> {
  expect(server.child.exitCode, server.output()).toBeNull();
  const response = await server.client.check({
    attributes: {
      request: { http: { method: 'GET', path: '/', host: 'api.example.com', headers: {} } },
    },
  });
  expect(response.ok_response).toBeDefined();
}

export const MIB = 1_048_576;

/**
 * What a server's RSS may grow by beyond the request bytes it keeps (docs/limits.md#the-grpc-port):
 * socket reads released but not yet collected (V8 collects them once about 64 MiB are
 * outstanding) and Node's heap moving.
 */
export const RSS_MARGIN = 80 * MIB;
