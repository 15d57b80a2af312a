import { LRUCache } from 'lru-cache';
import type { Clock } from '../../lib/clock.js';
import { FetchFailure } from './fetch-outcomes.js';

export interface FetchSlotLimits {
  /** Fetches in flight at once, in all (`resolver.maxConcurrentFetches`). */
  readonly maxConcurrent: number;
  /** Fetches in flight to one origin at once (`resolver.maxConcurrentFetchesPerHost`). */
  readonly maxConcurrentPerOrigin: number;
  /** Fetches one client's checks started and still in flight (`…PerClient`). */
  readonly maxConcurrentPerClient: number;
  /** After an origin timed out or could not be reached, it is left alone this long. */
  readonly cooldownMs: number;
}

export interface FetchSlots {
  /**
   * Takes a slot for a fetch from `origin` (scheme, host and port, as `URL.origin` writes it)
   * started by `client` (see fetch-requester.ts; undefined: charged to no client) and returns
   * its release; throws a FetchFailure when the fetch may not start now.
   */
  enter(origin: string, client: string | undefined): () => void;
  /** `origin` timed out or could not be reached: it is not contacted again for the cool-down. */
  failed(origin: string): void;
}

/** Origins remembered as cooling down; the oldest are forgotten first. */
const MAX_COOLING_ORIGINS = 10_000;

/**
 * The shared fetcher's slots, fair three ways. An origin that accepts connections and never
 * answers holds at most `maxConcurrentPerOrigin` slots, and once its fetches time out it is not
 * contacted again until its cool-down ends; both are keyed by origin, so a request naming
 * another port of a host name (closed, or hanging) never touches the host name's real origin.
 * A client holds at most `maxConcurrentPerClient`, so one that names many origins cannot take
 * the slots every other client's agents need. A fetch that may not start is refused at once
 * ("overloaded" / "cooling_down"), never queued, and the refusal is not remembered per URL.
 */
export function createFetchSlots(limits: FetchSlotLimits, clock: Clock): FetchSlots {
  let active = 0;
  const perOrigin = new Map<string, number>();
  const perClient = new Map<string, number>();
  const coolingUntil = new LRUCache<string, number>({ max: MAX_COOLING_ORIGINS });
  return {
    enter: (origin, client) => {
      const until = coolingUntil.get(origin);
      if (until !== undefined && clock() < until) {
        throw new FetchFailure(
          'cooling_down',
          'the host failed recently and is not contacted again until resolver.hostCooldown ends',
        );
      }
      if (active >= limits.maxConcurrent) {
        throw overloaded('too many key documents are being fetched right now');
      }
      if ((perOrigin.get(origin) ?? 0) >= limits.maxConcurrentPerOrigin) {
        throw overloaded('too many key documents are being fetched from this host');
      }
      if (client !== undefined && (perClient.get(client) ?? 0) >= limits.maxConcurrentPerClient) {
        throw overloaded('this client already has its share of key documents being fetched');
      }
      active += 1;
      take(perOrigin, origin, 1);
      if (client !== undefined) take(perClient, client, 1);
      return () => {
        active -= 1;
        take(perOrigin, origin, -1);
        if (client !== undefined) take(perClient, client, -1);
      };
    },
    failed: (origin) => {
      if (limits.cooldownMs > 0) coolingUntil.set(origin, clock() + limits.cooldownMs);
    },
  };
}

/** Adds `delta` to the count of `key`, forgetting keys that reach zero. */
function take(counts: Map<string, number>, key: string, delta: number): void {
  const count = (counts.get(key) ?? 0) + delta;
  if (count <= 0) counts.delete(key);
  else counts.set(key, count);
}

function overloaded(message: string): FetchFailure {
  return new FetchFailure('overloaded', message);
}
