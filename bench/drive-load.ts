import { type ClientHttp2Session, connect } from 'node:http2';
import { createConnection } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { CHECK_PATH, type CheckOutcome, decodeCheckFrame } from './check-messages.js';

const REQUEST_HEADERS = {
  ':method': 'POST',
  ':path': CHECK_PATH,
  'content-type': 'application/grpc',
  te: 'trailers',
};

/** How a window's checks went, as the generator saw them. */
export interface LoadTally {
  completed: number;
  /** Responses decoded (every `sampleEvery`-th) that were not an ok_response. */
  denied: number;
  /** Calls that ended without grpc-status 0. */
  failed: number;
  /** The first denial reason or error, to say why a scenario is wrong. */
  firstProblem?: string;
  /** Per-call latency in ms (open loop only). */
  latenciesMs: number[];
}

/** HTTP/2 connections to one server, over which frames are sent as gRPC calls by hand. */
export class GrpcLoad {
  private readonly sessions: ClientHttp2Session[];
  private turn = 0;

  constructor(port: number, connections: number) {
    this.sessions = Array.from({ length: connections }, () => {
      // No Nagle: a small request must not wait for the previous one's ACK.
      const session = connect(`http://127.0.0.1:${port}`, {
        createConnection: () => createConnection({ port, host: '127.0.0.1', noDelay: true }),
      });
      session.on('error', () => {});
      return session;
    });
  }

  /** Sends one framed CheckRequest; `done` gets the framed response, or an error text. */
  send(frame: Buffer, done: (error: string | undefined, response: Buffer) => void): void {
    const session = this.sessions[this.turn++ % this.sessions.length]!;
    const stream = session.request(REQUEST_HEADERS);
    const chunks: Buffer[] = [];
    let status: string | undefined;
    stream.on('response', (headers) => {
      // A trailers-only response puts grpc-status among the headers.
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      const error = status === '0' ? undefined : `grpc-status ${status ?? 'missing'}`;
      done(error, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    stream.end(frame);
  }

  close(): void {
    for (const session of this.sessions) session.close();
  }
}

function newTally(): LoadTally {
  return { completed: 0, denied: 0, failed: 0, latenciesMs: [] };
}

/** Records one finished call; decodes every `sampleEvery`-th response to see it was allowed. */
function record(
  tally: LoadTally,
  error: string | undefined,
  response: Buffer,
  sampleEvery: number,
) {
  tally.completed++;
  if (error !== undefined) {
    tally.failed++;
    tally.firstProblem ??= error;
    return;
  }
  if (tally.completed % sampleEvery !== 0) return;
  let outcome: CheckOutcome;
  try {
    outcome = decodeCheckFrame(response);
  } catch {
    outcome = { allowed: false, reason: 'undecodable response' };
  }
  if (!outcome.allowed) {
    tally.denied++;
    tally.firstProblem ??= `denied: ${outcome.reason}`;
  }
}

/**
 * Closed loop: keeps `concurrency` calls in flight until `seconds` pass or the frames run out,
 * then waits for the calls still in flight.
 */
export function runClosedLoop(
  load: GrpcLoad,
  frames: Iterator<Buffer>,
  options: { concurrency: number; seconds: number; sampleEvery: number },
): Promise<LoadTally> {
  const tally = newTally();
  const deadline = performance.now() + options.seconds * 1000;
  return new Promise((resolve) => {
    let inFlight = 0;
    const launch = (): void => {
      const next = performance.now() < deadline ? frames.next() : undefined;
      if (next === undefined || next.done) {
        if (inFlight === 0) resolve(tally);
        return;
      }
      inFlight++;
      load.send(next.value, (error, response) => {
        inFlight--;
        record(tally, error, response, options.sampleEvery);
        launch();
      });
    };
    for (let i = 0; i < options.concurrency; i++) launch();
  });
}

/**
 * Open loop: starts calls at `rate` per second whatever the answers do (paced by a 1 ms timer,
 * catching up in small bursts), and records each call's latency from its send to its end.
 */
export function runOpenLoop(
  load: GrpcLoad,
  frames: Iterator<Buffer>,
  options: { rate: number; seconds: number; sampleEvery: number },
): Promise<LoadTally> {
  const tally = newTally();
  const start = performance.now();
  const total = Math.floor(options.rate * options.seconds);
  return new Promise((resolve) => {
    let sent = 0;
    let inFlight = 0;
    const finishIfDone = (): void => {
      if (sent === total && inFlight === 0) resolve(tally);
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate));
      while (sent < due) {
        const next = frames.next();
        if (next.done) {
          sent = total;
          break;
        }
        sent++;
        inFlight++;
        const sentAt = performance.now();
        load.send(next.value, (error, response) => {
          tally.latenciesMs.push(performance.now() - sentAt);
          inFlight--;
          record(tally, error, response, options.sampleEvery);
          finishIfDone();
        });
      }
      if (sent < total) setTimeout(tick, 1);
      else finishIfDone();
    };
    tick();
  });
}

/** The generator's own event-loop delay over a window, in ms (p99 and max). */
export function watchEventLoop(): () => { p99Ms: number; maxMs: number } {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return () => {
    histogram.disable();
    return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
  };
}
