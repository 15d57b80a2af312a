import { performance } from 'node:perf_hooks';
import type { GrpcLoad } from './drive-load.js';
import { judgeAnswer } from './judge-soak-answer.js';
import type { SoakRequest, SoakTraffic } from './soak-traffic.js';

/** What a phase of the soak sent and how every answer went. */
export interface SoakTally {
  sent: number;
  answered: number;
  /** Transport failures, gRPC errors, and wrong answers to legitimate requests. */
  errors: number;
  /** Hostile requests that were allowed (or whose forged headers were kept). */
  hostileAllowed: number;
  byKind: Map<string, number>;
  /** Summed latency per kind, in ms, for the mean the report prints. */
  latencyMsByKind: Map<string, number>;
  /** The first few problems, to say what went wrong. */
  problems: string[];
}

export function newTally(): SoakTally {
  return {
    sent: 0,
    answered: 0,
    errors: 0,
    hostileAllowed: 0,
    byKind: new Map(),
    latencyMsByKind: new Map(),
    problems: [],
  };
}

function send(load: GrpcLoad, traffic: SoakTraffic, tally: SoakTally, done: () => void): void {
  const request: SoakRequest = traffic.next();
  tally.sent++;
  tally.byKind.set(request.kind, (tally.byKind.get(request.kind) ?? 0) + 1);
  const sentAt = performance.now();
  load.send(request.frame, (error, response) => {
    tally.answered++;
    const latency = performance.now() - sentAt;
    tally.latencyMsByKind.set(
      request.kind,
      (tally.latencyMsByKind.get(request.kind) ?? 0) + latency,
    );
    const verdict =
      error === undefined ? judgeAnswer(request, response) : { allowed: false, problem: error };
    if (verdict.problem !== undefined) {
      if (request.hostile && verdict.allowed) tally.hostileAllowed++;
      else tally.errors++;
      if (tally.problems.length < 5) tally.problems.push(verdict.problem);
    } else if (verdict.allowed && request.expect === 'verified') {
      traffic.answered(request);
    }
    done();
  });
}

/** Keeps `concurrency` requests in flight for `seconds`; resolves once all are answered. */
export function runClosed(
  load: GrpcLoad,
  traffic: SoakTraffic,
  options: { concurrency: number; seconds: number },
): Promise<SoakTally> {
  const tally = newTally();
  const deadline = performance.now() + options.seconds * 1000;
  return new Promise((resolve) => {
    let inFlight = 0;
    const launch = (): void => {
      if (performance.now() >= deadline) {
        if (inFlight === 0) resolve(tally);
        return;
      }
      inFlight++;
      send(load, traffic, tally, () => {
        inFlight--;
        launch();
      });
    };
    for (let i = 0; i < options.concurrency; i++) launch();
  });
}

/**
 * Sends at `rate` per second for `seconds` whatever the answers do (paced by a 1 ms timer),
 * calling `tick` every second with the elapsed seconds. Resolves once every request is
 * answered, or after `drainMs` more with the rest counted as errors.
 */
export function runOpen(
  load: GrpcLoad,
  traffic: SoakTraffic,
  options: { rate: number; seconds: number; drainMs: number; tick: (elapsed: number) => void },
): Promise<SoakTally> {
  const tally = newTally();
  const start = performance.now();
  const total = Math.floor(options.rate * options.seconds);
  let lastSecond = 0;
  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      const unanswered = tally.sent - tally.answered;
      if (unanswered > 0) {
        tally.errors += unanswered;
        tally.problems.push(
          `${unanswered} requests unanswered ${options.drainMs} ms after the end`,
        );
      }
      resolve(tally);
    };
    const pace = (): void => {
      const elapsed = (performance.now() - start) / 1000;
      const due = Math.min(total, Math.floor(elapsed * options.rate));
      while (tally.sent < due) {
        send(load, traffic, tally, () => {
          if (tally.sent === total && tally.answered === total) finish();
        });
      }
      if (Math.floor(elapsed) > lastSecond) {
        lastSecond = Math.floor(elapsed);
        options.tick(lastSecond);
      }
      if (tally.sent < total) setTimeout(pace, 1);
      else setTimeout(finish, options.drainMs).unref();
    };
    pace();
  });
}
