import type { CryptoKey, KeyObject } from 'jose';

/** An access token whose signature, issuer, audience and lifetime have been verified. */
export interface VerifiedToken {
  readonly issuer: string;
  /** `sub` (or `tokens.agentIdClaim`): the agent the token speaks for (a DID or a client id). */
  readonly subject: string;
  /** The subject's canonical id (see canonical-agent-id.ts), computed once and cached with it. */
  readonly subjectStateId: string;
  /** `exp` in epoch ms: a cached verification is not used after this (plus clock skew). */
  readonly expiresAtMs: number;
  /** `jti`, for revocation. */
  readonly tokenId?: string;
  /** The space-separated `scope` claim, split. */
  readonly scopes?: readonly string[];
  /**
   * The issuer key the signature verified with, and the `kid` the token named: a cached
   * verification stands only while the issuer still holds that key.
   */
  readonly verifiedWith: { readonly key: CryptoKey | KeyObject; readonly kid: string | undefined };
  /** RFC 7800 `cnf`: what the token is bound to, if anything. */
  readonly confirmation: {
    /** RFC 9449 §6: the RFC 7638 thumbprint of the DPoP key. */
    readonly jkt?: string;
    /** RFC 8705 §3.1: `x5t#S256`, the SHA-256 thumbprint of the client certificate. */
    readonly x5tS256?: string;
  };
}

/**
 * Verifies a compact JWS access token; throws an AuthzError to deny. `sha256` is
 * tokenSha256(token) when the caller has computed it already (a DPoP proof's `ath` needs it
 * too); the cache keys tokens by it and computes it when it is absent.
 */
export type TokenVerifier = (token: string, sha256?: string) => Promise<VerifiedToken>;
