import type { Profile } from '../credentials/credential.js';
import type { ReasonCode } from '../errors.js';
import type { KeyLocation } from '../keys/resolve-directory-key.js';

export type TrustLevel = 'new' | 'known' | 'trusted';

/** A check step that needs the store, and `onStoreError: allow` passes when it cannot answer. */
export type UncheckedStep = 'replay' | 'history' | 'workload-pin' | 'drift' | 'rate-limit';

/** What the check established about the caller; only verified facts are filled in. */
export interface AgentIdentity {
  readonly verified: boolean;
  readonly profile: Profile;
  readonly agentId?: string;
  /**
   * The id revocation, history, pins and rate limits are kept under: one per key for
   * did:key/did:jwk whatever the encoding; the agent id otherwise.
   */
  readonly stateId?: string;
  readonly keyId?: string;
  readonly workload?: string;
  readonly zone?: string;
  readonly trust?: TrustLevel;
  readonly purpose?: string;
  readonly owner?: string;
  /** The token's `scope` claim, split on spaces (token profiles only). */
  readonly scopes?: readonly string[];
  /** The token's `jti`, for revocation (token profiles only). */
  readonly tokenId?: string;
  /** The verified signature's `tag` parameter (signed requests only). */
  readonly tag?: string;
  /** Web Bot Auth: how the key was found — the Signature-Agent generation, or `tag-directory`. */
  readonly generation?: KeyLocation['generation'];
  /** Web Bot Auth: the key directory's response signature covered the key that verified. */
  readonly directorySigned?: boolean;
  /** The agent left its pinned workload and the policy only flags it (`onDrift: flag`). */
  readonly drifted?: boolean;
  /**
   * Steps passed without the store because it could not answer (`onStoreError: allow`): the
   * request was allowed without them, and upstream is told so (`x-agent-unchecked`).
   */
  readonly unchecked?: readonly UncheckedStep[];
}

/** The engine's answer, before any transport turns it into a response. */
export type Decision =
  | {
      readonly allowed: true;
      readonly identity: AgentIdentity;
      /** Observe mode: the reason the request would have been denied. */
      readonly wouldDeny?: ReasonCode;
    }
  | {
      readonly allowed: false;
      readonly identity: AgentIdentity;
      readonly reason: ReasonCode;
      /** Safe to show the caller. */
      readonly message: string;
      readonly retryAfterSeconds?: number;
    };
