import type { UncheckedStep } from '../decision/decision.js';
import { failOpenStore } from '../store/fail-open-store.js';
import type { Store } from '../store/store.js';
import type { CheckDeps } from './check-deps.js';

/** The store one check uses, and the steps that check passed without it. */
export interface CheckStore {
  readonly store: Store;
  /** `onStoreError: allow`: an unreachable store skips a step instead of denying. */
  readonly failOpen: boolean;
  /** Steps passed because the store could not answer; always empty with `onStoreError: deny`. */
  readonly unchecked: readonly UncheckedStep[];
  /** Records (and reports, once per step) a step passed without the store. */
  skipped(step: UncheckedStep): void;
}

const FAIL_CLOSED: readonly UncheckedStep[] = Object.freeze([]);

/**
 * With `onStoreError: deny` the store as it is: every outage throws `store_unavailable`. With
 * `allow`, the store failing open for this one check, collecting what it passed without, so
 * the decision can be tagged and counted (`deps.onStoreDegraded`) rather than look checked.
 */
export function storeForCheck(deps: CheckDeps): CheckStore {
  if (deps.onStoreError === 'deny') {
    return { store: deps.store, failOpen: false, unchecked: FAIL_CLOSED, skipped: () => {} };
  }
  const unchecked: UncheckedStep[] = [];
  const skipped = (step: UncheckedStep): void => {
    if (unchecked.includes(step)) return;
    unchecked.push(step);
    deps.onStoreDegraded(step);
  };
  return { store: failOpenStore(deps.store, skipped), failOpen: true, unchecked, skipped };
}
