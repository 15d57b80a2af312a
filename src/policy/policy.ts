/**
 * The policy the engine applies. This holds what the default policy of SPEC §5 needs; zones
 * and the agent registry extend it.
 */
export interface Policy {
  readonly mode: 'enforce' | 'observe';
  /** What happens to requests without an agent credential. */
  readonly unsigned: 'allow' | 'deny';
  /** Header fields every signature must cover (e.g. `agent-purpose`). */
  readonly signedHeaders: readonly string[];
}

/** SPEC §5 default: enforce; unsigned allowed and tagged; any valid did:key/did:jwk allowed. */
export const DEFAULT_POLICY: Policy = Object.freeze({
  mode: 'enforce',
  unsigned: 'allow',
  signedHeaders: Object.freeze([]) as readonly string[],
});
