import {
  type CryptoKey,
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type KeyObject,
} from 'jose';
import { AuthzError, isAuthzError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { createRetryBackoff } from './fetch/retry-backoff.js';
import { waitForFetch } from './fetch/wait-for-fetch.js';
import { hasSecretMembers } from './verification-key.js';

/** Finds the key a token was signed with, from its protected header. */
export type IssuerKeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | KeyObject>;

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * A key set that could not be fetched is tried again after this, doubling with each failure in
 * a row up to `cooldownMs`: never on every request.
 */
const FIRST_RETRY_MS = 1000;

/** Only public asymmetric keys can verify a token here (no HMAC with a published key). */
function publicKeysOnly(jwks: JSONWebKeySet): LocalKeySet {
  const keys = jwks.keys.filter(
    (key) =>
      ['EC', 'OKP', 'RSA'].includes(String(key.kty)) && !hasSecretMembers(key) && key.use !== 'enc',
  );
  return createLocalJWKSet({ keys });
}

/** A static JWKS from the configuration. */
export function createStaticJwksKeyResolver(jwks: JSONWebKeySet): IssuerKeyResolver {
  const local = publicKeysOnly(jwks);
  return (header) => lookUp(local, header);
}

export interface RemoteJwksOptions {
  readonly fetch: () => Promise<JSONWebKeySet>;
  /** A set older than this is refreshed in the background while it stays in use. */
  readonly refreshIntervalMs: number;
  /** An unknown `kid` triggers a refetch at most this often. */
  readonly cooldownMs: number;
  /**
   * Longest a check waits for a fetch it needs (`resolver.maxWait`); then it is answered
   * `key_pending` while the fetch goes on.
   */
  readonly maxWaitMs: number;
  readonly clock: Clock;
  /**
   * Told of each failed fetch, with the delay before the next attempt; the keys already held
   * stay in use. Attempts are spaced by the backoff, so this is one call per retry period.
   */
  readonly onRefreshError: (error: unknown, retryInMs: number) => void;
}

/**
 * A JWKS fetched from the issuer. One fetch at a time; a set older than `refreshIntervalMs` is
 * refreshed in the background while it stays in use; a `kid` it does not hold (a rotation)
 * triggers a refetch at most once per `cooldownMs`, so unknown kids cannot make us hammer the
 * issuer. A failed fetch, whatever started it, holds every further one back (1 s, doubling,
 * up to `cooldownMs`). A check needing a fetch (the first set, or a rotation) waits for it at
 * most `maxWaitMs`, like any key document, and is otherwise answered `key_pending`
 * (retryable); the fetch itself is bounded by its own timeout (`tokens.jwks.timeout`), not by
 * the check's.
 */
export function createRemoteJwksKeyResolver(options: RemoteJwksOptions): IssuerKeyResolver & {
  refresh(): Promise<void>;
} {
  let local: LocalKeySet | undefined;
  let fetchedAtMs = Number.NEGATIVE_INFINITY;
  let attemptedAtMs = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  const backoff = createRetryBackoff({
    initialMs: Math.min(FIRST_RETRY_MS, options.cooldownMs),
    maxMs: options.cooldownMs,
    clock: options.clock,
  });

  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      attemptedAtMs = options.clock();
      try {
        local = publicKeysOnly(await options.fetch());
        fetchedAtMs = options.clock();
        backoff.succeeded();
      } catch (error) {
        options.onRefreshError(error, backoff.failed());
        throw error;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  /** No fetch is running and the backoff allows one. */
  const mayFetch = () => inFlight === undefined && backoff.ready();
  const since = (ms: number) => options.clock() - ms;
  const fetched = (refreshing: Promise<void>) =>
    waitForFetch(
      refreshing.catch((error: unknown) => {
        throw unavailable(error);
      }),
      options.maxWaitMs,
      'the issuer keys',
    );

  const resolve = async (header: JWSHeaderParameters) => {
    if (local === undefined) {
      if (inFlight === undefined && !backoff.ready()) throw unavailable();
      await fetched(refresh());
    } else if (since(fetchedAtMs) >= options.refreshIntervalMs && mayFetch()) {
      // Reported through onRefreshError; the keys held stay in use meanwhile.
      refresh().catch(() => {});
    }
    try {
      return await lookUp(local!, header);
    } catch (error) {
      const unknownKid = isAuthzError(error) && error.message === NO_MATCHING_KEY;
      if (!unknownKid || since(attemptedAtMs) < options.cooldownMs || !backoff.ready()) {
        throw error;
      }
      await fetched(refresh());
      return lookUp(local!, header);
    }
  };
  return Object.assign(resolve, { refresh });
}

const NO_MATCHING_KEY = 'no key of the issuer matches the token kid and alg';

async function lookUp(local: LocalKeySet, header: JWSHeaderParameters): Promise<CryptoKey> {
  try {
    return await local(header);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      throw new AuthzError('key_unresolvable', NO_MATCHING_KEY, { cause: error });
    }
    if (error instanceof errors.JWKSMultipleMatchingKeys) {
      throw new AuthzError('key_unresolvable', 'several issuer keys match; the token needs a kid', {
        cause: error,
      });
    }
    throw new AuthzError('key_unresolvable', 'the issuer key cannot be used', { cause: error });
  }
}

function unavailable(cause?: unknown): AuthzError {
  return new AuthzError('key_unresolvable', 'the issuer keys could not be fetched', { cause });
}
