import { readFileSync } from 'node:fs';
import type { DIDResolver } from 'did-resolver';
import type { JSONWebKeySet } from 'jose';
import type { Config } from '../config/config-schema.js';
import { TOKEN_ALGORITHMS } from '../config/token-schema.js';
import type { Clock } from '../lib/clock.js';
import { compileGlob, ID_SEPARATORS } from '../policy/glob.js';
import type { TrustedIssuer } from '../proofs/verify-access-token.js';
import { createJwksFetcher } from './fetch-jwks.js';
import { createDidIssuerKeyResolver } from './resolve-did-issuer-key.js';
import {
  createRemoteJwksKeyResolver,
  createStaticJwksKeyResolver,
  type IssuerKeyCheck,
  type IssuerKeyResolver,
} from './resolve-jwks-key.js';
import { createKeyResolver } from './resolve-verification-key.js';

/** DID keys are Ed25519 or P-256 (SPEC §2.1), so DID issuers sign with these only. */
const DID_TOKEN_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256'] as const;

export interface TrustedIssuerOptions {
  readonly clock: Clock;
  /** DID methods beyond did:key and did:jwk (did:web when network resolution is on). */
  readonly didMethods?: Readonly<Record<string, DIDResolver>>;
  /**
   * Told when a JWKS fetch fails, with the delay before the next attempt (one call per retry
   * period); the keys already held stay in use.
   */
  readonly onJwksError: (issuer: string, error: unknown, retryInMs: number) => void;
}

/**
 * The configured issuers, ready to verify with. Remote key sets are fetched now, in the
 * background, so the first token rarely waits on the network.
 */
export function createTrustedIssuers(
  config: Config,
  options: TrustedIssuerOptions,
): TrustedIssuer[] {
  const { tokens } = config;
  const ca = tokens.jwks.caFile === '' ? undefined : readFileSync(tokens.jwks.caFile, 'utf8');
  // Issuing a token is an assertion: only assertionMethod keys of a DID issuer count.
  const resolveDidKey = createKeyResolver({
    cacheSize: config.keys.cacheSize,
    cacheBytes: config.keys.cacheBytes,
    relationships: ['assertionMethod'],
    clock: options.clock,
    ...(options.didMethods === undefined ? {} : { methods: options.didMethods }),
  });
  return config.issuers.map((issuer) => {
    const iss = issuer.issuer ?? issuer.did!;
    let getKey: IssuerKeyResolver & { holdsKey?: IssuerKeyCheck };
    if (issuer.did !== undefined) {
      getKey = createDidIssuerKeyResolver(issuer.did, resolveDidKey);
    } else if (issuer.jwks !== undefined) {
      getKey = createStaticJwksKeyResolver(issuer.jwks as unknown as JSONWebKeySet);
    } else {
      const fetchJwks = createJwksFetcher({
        timeoutMs: tokens.jwks.timeout,
        maxBytes: tokens.jwks.maxBytes,
        ca,
      });
      const remote = createRemoteJwksKeyResolver({
        fetch: () => fetchJwks(issuer.jwksUri!),
        refreshIntervalMs: tokens.jwks.refreshInterval,
        cooldownMs: tokens.jwks.cooldown,
        maxWaitMs: config.resolver.maxWait,
        clock: options.clock,
        onRefreshError: (error, retryInMs) => options.onJwksError(iss, error, retryInMs),
      });
      // A failure is reported through onRefreshError.
      remote.refresh().catch(() => {});
      getKey = remote;
    }
    const allowed = issuer.did === undefined ? TOKEN_ALGORITHMS : DID_TOKEN_ALGORITHMS;
    return {
      iss,
      audiences: issuer.audiences ?? tokens.audiences,
      algorithms: (issuer.algorithms ?? allowed).filter((alg) =>
        (allowed as readonly string[]).includes(alg),
      ),
      getKey,
      ...(getKey.holdsKey === undefined ? {} : { holdsKey: getKey.holdsKey }),
      ...(issuer.subjects === undefined ? {} : { mayAssert: subjectMatcher(issuer.subjects) }),
    };
  });
}

/**
 * `subjects:` of an issuer: exact ids or globs with the policy's agent-id semantics (`*` stays
 * inside one part of the id, `**` crosses parts), compiled once.
 */
function subjectMatcher(subjects: readonly string[]): (subject: string) => boolean {
  const patterns = subjects.map((subject) => compileGlob(subject, { stopAt: ID_SEPARATORS }));
  return (subject) => patterns.some((pattern) => pattern.test(subject));
}
