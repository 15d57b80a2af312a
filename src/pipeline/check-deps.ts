import type { DirectoryKeyResolver } from '../keys/resolve-directory-key.js';
import type { KeyResolver } from '../keys/resolve-verification-key.js';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/policy.js';
import type { SignatureWindow } from '../proofs/check-signature-profile.js';
import type { ReplayStore } from '../store/store.js';

/** Everything `runCheck` needs, injected by the composition root (and by tests). */
export interface CheckDeps {
  readonly resolveKey: KeyResolver;
  /** Web Bot Auth key directories; refuses when network resolution is off. */
  readonly resolveDirectoryKey: DirectoryKeyResolver;
  readonly replay: ReplayStore;
  /** The policy in force for this check (read per check so a reload applies at once). */
  readonly policy: () => Policy;
  readonly window: SignatureWindow;
  /** `allow` lets requests through when the replay store cannot answer (fail open). */
  readonly onStoreError: 'deny' | 'allow';
  readonly clock: Clock;
  /** Told about failures that are the authorizer's fault, not the caller's. */
  readonly onInternalError: (error: unknown) => void;
}
