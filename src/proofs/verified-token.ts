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
  /** RFC 7800 `cnf`: what the token is bound to, if anything. */
  readonly confirmation: {
    /** RFC 9449 §6: the RFC 7638 thumbprint of the DPoP key. */
    readonly jkt?: string;
    /** RFC 8705 §3.1: `x5t#S256`, the SHA-256 thumbprint of the client certificate. */
    readonly x5tS256?: string;
  };
}

/** Verifies a compact JWS access token; throws an AuthzError to deny. */
export type TokenVerifier = (token: string) => Promise<VerifiedToken>;
