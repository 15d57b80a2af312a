import type { CryptoKey, JSONWebKeySet, JWSHeaderParameters, KeyObject } from 'jose';
import { AuthzError, isAuthzError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { createRetryBackoff } from './fetch/retry-backoff.js';
import { waitForFetch } from './fetch/wait-for-fetch.js';
import { type JwksKeySet, NO_MATCHING_KEY, toKeySet } from './jwks-key-set.js';

/** Finds the key a token was signed with, from its protected header. */
export type IssuerKeyResolver = (header: JWSHeaderParameters) => Promise<CryptoKey | KeyObject>;

/**
 * Whether a key the resolver returned (for a token naming `kid`) is still one of the issuer's
 * keys. The verified-token cache asks before reusing a verification: a key the issuer removed
 * stops working for tokens it verified earlier too, not only for new ones.
 */
export type IssuerKeyCheck = (
  key: CryptoKey | KeyObject,
  kid: string | undefined,
) => boolean | Promise<boolean>;

/**
 * A key set that could not be fetched is tried again after this, doubling with each failure in
 * a row up to `cooldownMs`: never on every request.
 */
const FIRST_RETRY_MS = 1000;

/** A static JWKS from the configuration: its keys never change, so none is ever removed. */
export function createStaticJwksKeyResolver(jwks: JSONWebKeySet): IssuerKeyResolver {
  const keySet = toKeySet(jwks);
  return (header) => keySet.lookUp(header);
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
 * the check's. `holdsKey` says whether a key handed out is in the set held now: at once for a
 * key from that very set, by thumbprint and kid for one from an earlier set.
 */
export function createRemoteJwksKeyResolver(options: RemoteJwksOptions): IssuerKeyResolver & {
  refresh(): Promise<void>;
  holdsKey: IssuerKeyCheck;
} {
  let current: JwksKeySet | undefined;
  const handedOut = new WeakMap<object, JwksKeySet>();
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
        current = toKeySet(await options.fetch());
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
  const lookUp = async (header: JWSHeaderParameters) => {
    const keySet = current!;
    const key = await keySet.lookUp(header);
    handedOut.set(key, keySet);
    return key;
  };

  const resolve = async (header: JWSHeaderParameters) => {
    if (current === undefined) {
      if (inFlight === undefined && !backoff.ready()) throw unavailable();
      await fetched(refresh());
    } else if (since(fetchedAtMs) >= options.refreshIntervalMs && mayFetch()) {
      // Reported through onRefreshError; the keys held stay in use meanwhile.
      refresh().catch(() => {});
    }
    try {
      return await lookUp(header);
    } catch (error) {
      const unknownKid = isAuthzError(error) && error.message === NO_MATCHING_KEY;
      if (!unknownKid || since(attemptedAtMs) < options.cooldownMs || !backoff.ready()) {
        throw error;
      }
      await fetched(refresh());
      return lookUp(header);
    }
  };
  const holdsKey: IssuerKeyCheck = (key, kid) =>
    current !== undefined && (handedOut.get(key) === current || current.holds(key, kid));
  return Object.assign(resolve, { refresh, holdsKey });
}

function unavailable(cause?: unknown): AuthzError {
  return new AuthzError('key_unresolvable', 'the issuer keys could not be fetched', { cause });
}
