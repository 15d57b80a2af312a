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
  const release = () => {
    running -= 1;
  };
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
    const check = run(request);
    check.then(release, release);
    return withinDeadline(check, request, refuse, options);
  };
  return Object.assign(guarded, { inFlight: () => running });
}

function withinDeadline(
  check: Promise<Decision>,
  request: AuthzRequest,
  refuse: (request: AuthzRequest, error: AuthzError) => Decision,
  options: CheckGuardOptions,
): Promise<Decision> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      options.onShed('deadline_exceeded');
      const error = new AuthzError(
        'deadline_exceeded',
        `the check did not finish within ${options.deadlineMs} ms`,
      );
      resolve(refuse(request, error));
    }, options.deadlineMs);
    check.then(
      (decision) => {
        if (late) options.onLateCheck?.(decision);
        clearTimeout(timer);
        resolve(decision);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
