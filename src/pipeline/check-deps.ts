import type { KeyResolver } from '../keys/resolve-verification-key.js';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/policy.js';
import type { SignatureWindow } from '../proofs/check-signature-profile.js';
import type { Store } from '../store/store.js';

/** Everything `runCheck` needs, injected by the composition root (and by tests). */
export interface CheckDeps {
  readonly resolveKey: KeyResolver;
  readonly store: Store;
  /** The policy in force (read once per check, so a reload applies to the next check). */
  readonly policy: () => Policy;
  readonly window: SignatureWindow;
  /** `allow` lets requests through when the replay store cannot answer (fail open). */
  readonly onStoreError: 'deny' | 'allow';
  readonly clock: Clock;
  /** Told about failures that are the authorizer's fault, not the caller's. */
  readonly onInternalError: (error: unknown) => void;
  /** Told when recording history failed; the decision stands. */
  readonly onHistoryError: (error: unknown) => void;
}
