import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { openSession } from '../support/raw-h2.js';
import type { BatchPlan, StreamPlan, Teardown } from './stream-plans.js';

/** How each stream of a batch ended: its grpc-status, its HTTP status, or how it closed. */
export type Outcomes = Map<string, number>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Plays a batch against the server at `address` on fresh connections and resolves once every
 * stream has ended or `capMs` has passed; then every connection of the batch is destroyed. A
 * client-side error never fails the batch: only what the server does is judged, afterwards.
 */
export async function runBatch(
  address: string,
  batch: BatchPlan,
  capMs: number,
  outcomes: Outcomes,
): Promise<void> {
  const sessions = Array.from({ length: batch.sessions }, () => openSession(address));
  for (const { session, kind, code, afterMs } of batch.teardowns) {
    const target = sessions[session % sessions.length] as ClientHttp2Session;
    setTimeout(() => tearDown(target, kind, code), afterMs);
  }
  const cap = pause(capMs).then(() => 'still open at the batch cap');
  const ended = await Promise.all(
    batch.streams.map((plan, i) =>
      Promise.race([playStream(sessions[i % sessions.length] as ClientHttp2Session, plan), cap]),
    ),
  );
  for (const outcome of ended) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  for (const session of sessions) session.destroy();
}

/** Opens one stream as planned and resolves to how it ended. */
async function playStream(session: ClientHttp2Session, plan: StreamPlan): Promise<string> {
  if (session.closed || session.destroyed) return 'not opened (connection gone)';
  let stream: ClientHttp2Stream;
  try {
    stream = session.request(plan.headers);
  } catch {
    return 'not opened (connection gone)';
  }
  const ended = outcomeOf(stream, plan.reads);
  for (const { bytes, pauseMs } of plan.chunks) {
    if (pauseMs > 0) await pause(pauseMs);
    if (stream.closed || stream.destroyed) break;
    if (bytes.length > 0) stream.write(bytes);
  }
  if (!stream.destroyed && plan.ending.kind === 'half-close') stream.end();
  else if (!stream.destroyed && plan.ending.kind === 'reset') stream.close(plan.ending.code);
  return ended;
}

function tearDown(session: ClientHttp2Session, kind: Teardown['kind'], code: number): void {
  if (session.destroyed) return;
  try {
    if (kind === 'destroy') session.destroy();
    else if (kind === 'goaway') session.goaway(code);
    else session.close();
  } catch {
    // Already closing: nothing more to do to it.
  }
}

/** The grpc-status (or HTTP status without one) a stream got, `reset` if neither. */
function outcomeOf(stream: ClientHttp2Stream, reads: boolean): Promise<string> {
  return new Promise((resolve) => {
    let outcome = 'reset';
    stream.on('response', (headers) => {
      const status = headers['grpc-status'];
      outcome = status === undefined ? `http ${headers[':status']}` : `grpc ${status}`;
    });
    stream.on('trailers', (trailers) => {
      outcome = `grpc ${trailers['grpc-status']}`;
    });
    stream.on('error', () => {});
    stream.on('close', () => resolve(outcome));
    if (reads) stream.resume();
  });
}
