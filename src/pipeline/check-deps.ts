import { type Limits, limitsSchema } from '../config/limits-schema.js';
import type { SignatureLimits } from '../credentials/parse-signature-headers.js';
import type { UncheckedStep } from '../decision/decision.js';
import type { DirectoryKeyResolver } from '../keys/resolve-directory-key.js';
import type { KeyResolver } from '../keys/resolve-verification-key.js';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/policy.js';
import type { ProofKeys } from '../proofs/cache-proof-keys.js';
import type { SignatureWindow } from '../proofs/check-signature-profile.js';
import type { WebBotAuthSettings } from '../proofs/check-web-bot-auth-profile.js';
import type { TokenVerifier } from '../proofs/verified-token.js';
import type { ProofWindow } from '../proofs/verify-dpop-proof.js';
import type { Store } from '../store/store.js';

/** Everything `runCheck` needs, injected by the composition root (and by tests). */
export interface CheckDeps {
  readonly resolveKey: KeyResolver;
  /** Web Bot Auth key directories; refuses when network resolution is off. */
  readonly resolveDirectoryKey: DirectoryKeyResolver;
  readonly store: Store;
  /** The policy in force (read once per check, so a reload applies to the next check). */
  readonly policy: () => Policy;
  readonly window: SignatureWindow;
  /** Bounds on Signature-Input / Signature, enforced while parsing them. */
  readonly signatureLimits: SignatureLimits;
  /** Sizes and depths a request may reach (`limits`); the config defaults when absent. */
  readonly limits?: CheckLimits;
  /** Accept the published test keys as agent keys (`signatures.allowTestKeys`, unsafe). */
  readonly allowTestKeys: boolean;
  /** Web Bot Auth generations, validity bound and tag directories (`webBotAuth`). */
  readonly webBotAuth: WebBotAuthSettings;
  /** The token profiles (DPoP, certificate-bound); undefined when no issuer is configured. */
  readonly tokens: TokenDeps | undefined;
  /** `allow` lets requests through when the store cannot answer (fail open), tagged. */
  readonly onStoreError: 'deny' | 'allow';
  /** Told each time a check passes a step without the store (`onStoreError: allow`). */
  readonly onStoreDegraded: (step: UncheckedStep) => void;
  readonly clock: Clock;
  /** Told about failures that are the authorizer's fault, not the caller's. */
  readonly onInternalError: (error: unknown) => void;
  /** Told when recording history failed; the decision stands. */
  readonly onHistoryError: (error: unknown) => void;
}

/** The `limits` a single check enforces (the in-flight bound and deadline wrap the check). */
export type CheckLimits = Omit<Limits, 'maxInFlight' | 'checkTimeout'>;

export const DEFAULT_CHECK_LIMITS: CheckLimits = limitsSchema().parse({});

/** What the DPoP and certificate-bound token profiles need. */
export interface TokenDeps {
  /** Verifies an access token (cached by hash until `exp`). */
  readonly verify: TokenVerifier;
  /** Refuse a Bearer token that carries no `cnf` binding. */
  readonly requireBinding: boolean;
  readonly proofWindow: ProofWindow;
  /** Each DPoP proof header checked and its key imported, once per header (cache-proof-keys.ts). */
  readonly proofKeys: ProofKeys;
  /** A trusted header naming the scheme the client used, for `htu`; else Envoy's scheme. */
  readonly schemeHeader: string | undefined;
}
