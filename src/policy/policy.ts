import type { Profile } from '../credentials/credential.js';
import type { TrustLevel } from '../decision/decision.js';
import type { Glob } from './glob.js';

export type Mode = 'enforce' | 'observe';

/** A trust zone with its matchers precomputed. */
export interface Zone {
  readonly name: string;
  readonly mode: Mode;
  readonly unsigned: 'allow' | 'deny';
  readonly profiles: ReadonlySet<Profile>;
  readonly minTrust: TrustLevel;
  /** Headers every signature must cover here (the policy's and the zone's). */
  readonly signedHeaders: readonly string[];
  /** Signature tags accepted here (`untagged` for none); undefined accepts any verified tag. */
  readonly tags: ReadonlySet<string> | undefined;
  readonly scopes: readonly string[];
  readonly unknownAgents: 'allow' | 'deny';
  readonly matches: (target: { host: string; path: string; method: string }) => boolean;
  /** The match rules as written, for `agent-authz policy check`. */
  readonly matchText: string;
  /**
   * Set when the request's path also reads as other zones (`undefined`: no zone) to lenient
   * upstreams and this one is the strictest of them; an agent's `zones` must admit them all.
   */
  readonly alsoReadAs?: ReadonlyArray<string | undefined>;
}

export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** One entry of `agents`, compiled. */
export interface AgentRule {
  readonly id: string;
  /** Registered by exact id (not by a pattern): eligible for `trusted`. */
  readonly exact: boolean;
  readonly zones: ReadonlySet<string> | undefined;
  readonly workloads: readonly Glob[] | undefined;
  readonly bindWorkload: boolean;
  readonly onDrift: 'quarantine' | 'deny' | 'flag';
  readonly rateLimit: RateLimit | undefined;
  readonly owner: string | undefined;
  readonly scopes: readonly string[] | undefined;
  readonly expiresAtMs: number | undefined;
  /** Profiles the agent may authenticate with; undefined: any. */
  readonly profiles: ReadonlySet<Profile> | undefined;
  /** Signature tags the agent may sign with; undefined: any. */
  readonly tags: ReadonlySet<string> | undefined;
  /** Web Bot Auth: the key must be covered by the directory's response signature. */
  readonly requireSignedDirectory: boolean;
}

/**
 * The policy in force, compiled: exact agent ids in a map (O(1)), patterns in file order
 * (linear in their number), zones in file order.
 */
export interface Policy {
  readonly mode: Mode;
  readonly unsigned: 'allow' | 'deny';
  readonly signedHeaders: readonly string[];
  readonly trust: { readonly knownAfterRequests: number; readonly knownAfterAgeMs: number };
  readonly zones: readonly Zone[];
  readonly zonesByName: ReadonlyMap<string, Zone>;
  readonly exactAgents: ReadonlyMap<string, AgentRule>;
  readonly patternAgents: ReadonlyArray<{ readonly pattern: Glob; readonly rule: AgentRule }>;
  readonly revoked: ReadonlySet<string>;
  /** Where it came from and its SHA-256, for operators. */
  readonly source: {
    readonly file: string | null;
    readonly sha256: string;
    readonly loadedAtMs: number;
  };
}
