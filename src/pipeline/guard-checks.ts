import type { Decision } from '../decision/decision.js';
import { AuthzError } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';

/** Why a check was answered without its own decision. */
export type ShedReason = 'overloaded' | 'deadline_exceeded';

export interface CheckGuardOptions {
  /** Checks allowed to run at once; one more is refused at once (`limits.maxInFlight`). */
  readonly maxInFlight: number;
  /** Longest a check may take before it is answered `deadline_exceeded` (`limits.checkTimeout`). */
  readonly deadlineMs: number;
  /** Told each time a check is refused by either bound, for the shed counter. */
  readonly onShed: (reason: ShedReason) => void;
  /** Told when a check answered by its deadline finishes later (its decision is discarded). */
  readonly onLateCheck?: (decision: Decision) => void;
}

/** A check function with the number of checks it is running now. */
export interface GuardedCheck {
  (request: AuthzRequest): Promise<Decision>;
  inFlight(): number;
}

/** Seconds an `overloaded` caller is asked to wait: a shed is over as soon as checks finish. */
const OVERLOADED_RETRY_SECONDS = 1;

/**
 * Bounds the checks one process runs: never more than `maxInFlight` at once (the next is denied
 * `overloaded` before anything is parsed, so a burst costs a counter, not a queue), and never
 * longer than `deadlineMs` (Envoy gets a denial with a reason, not its own timeout). A check
 * past its deadline keeps its slot until it really ends — the work it waits on (a store call,
 * a key fetch) is bounded by its own timeout — so hung dependencies fill the slots and the
 * process sheds, rather than piling up unfinished checks without bound. Its key fetch goes on
 * and fills the cache for the next check.
 */
export function guardChecks(
  run: (request: AuthzRequest) => Promise<Decision>,
  refuse: (request: AuthzRequest, error: AuthzError) => Decision,
  options: CheckGuardOptions,
): GuardedCheck {
  let running = 0;
  const deadlines = watchDeadlines(options.deadlineMs, (request, answer) => {
    options.onShed('deadline_exceeded');
    const error = new AuthzError(
      'deadline_exceeded',
      `the check did not finish within ${options.deadlineMs} ms`,
    );
    answer(refuse(request, error));
  });
  const guarded = (request: AuthzRequest): Promise<Decision> => {
    if (running >= options.maxInFlight) {
      options.onShed('overloaded');
      const error = new AuthzError(
        'overloaded',
        'the authorizer is running as many checks as it may; retry shortly',
        { retryAfterSeconds: OVERLOADED_RETRY_SECONDS },
      );
      return Promise.resolve(refuse(request, error));
    }
    running += 1;
    return new Promise((resolve, reject) => {
      const waiting = deadlines.add(request, resolve);
      run(request).then(
        (decision) => {
          running -= 1;
          if (deadlines.remove(waiting)) resolve(decision);
          else options.onLateCheck?.(decision);
        },
        (error: unknown) => {
          running -= 1;
          if (deadlines.remove(waiting)) reject(error);
        },
      );
    });
  };
  return Object.assign(guarded, { inFlight: () => running });
}

/** A running check on the deadline list, until it ends or its deadline answers it. */
interface Waiting {
  readonly dueMs: number;
  request: AuthzRequest | undefined;
  /** Undefined once the check is off the list. */
  answer: ((decision: Decision) => void) | undefined;
  previous: Waiting | undefined;
  next: Waiting | undefined;
}

interface Deadlines {
  add(request: AuthzRequest, answer: (decision: Decision) => void): Waiting;
  /** Takes an ended check off the list; false when its deadline has already answered it. */
  remove(waiting: Waiting): boolean;
}

/**
 * Every check gets the same timeout, so deadlines fall in the order checks start: the running
 * checks form a list in deadline order, and one timer, armed for the first deadline, answers
 * the checks whose time is up and re-arms for the next. A check that ends is unlinked in
 * constant time; no timer is armed or cleared per check (a Node timer per check cost a timer
 * list created and destroyed, and two more promises). The timer does not keep the process
 * alive: whatever a check waits on does.
 */
function watchDeadlines(
  timeoutMs: number,
  expired: (request: AuthzRequest, answer: (decision: Decision) => void) => void,
): Deadlines {
  let first: Waiting | undefined;
  let last: Waiting | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (delayMs: number): void => {
    timer = setTimeout(sweep, delayMs);
    timer.unref();
  };
  const unlink = (waiting: Waiting): void => {
    const { previous, next } = waiting;
    if (previous === undefined) first = next;
    else previous.next = next;
    if (next === undefined) last = previous;
    else next.previous = previous;
    waiting.answer = undefined;
    waiting.request = undefined;
  };
  // Node's timers run on the event loop's cached time, which may trail the clock: a check is
  // answered only once its own deadline has passed, else the timer is armed again.
  const sweep = (): void => {
    timer = undefined;
    const nowMs = performance.now();
    while (first !== undefined && first.dueMs <= nowMs) {
      const { request, answer } = first;
      unlink(first);
      expired(request!, answer!);
    }
    if (first !== undefined) arm(Math.max(1, first.dueMs - nowMs));
  };
  return {
    add(request, answer) {
      const waiting: Waiting = {
        dueMs: performance.now() + timeoutMs,
        request,
        answer,
        previous: last,
        next: undefined,
      };
      if (last === undefined) first = waiting;
      else last.next = waiting;
      last = waiting;
      if (timer === undefined) arm(timeoutMs);
      return waiting;
    },
    remove(waiting) {
      if (waiting.answer === undefined) return false;
      unlink(waiting);
      return true;
    },
  };
}
