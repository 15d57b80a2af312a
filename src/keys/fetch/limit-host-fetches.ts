import { LRUCache } from 'lru-cache';
import type { Clock } from '../../lib/clock.js';
import { FetchFailure } from './fetch-outcomes.js';

export interface HostLimitOptions {
  /** Fetches in flight to one host name at once. */
  readonly maxConcurrentPerHost: number;
  /** After a host timed out or could not be reached, it is left alone this long. */
  readonly cooldownMs: number;
  readonly clock: Clock;
}

export interface HostLimits {
  /** Takes one of `host`'s fetch slots and returns its release; throws if it may not be fetched. */
  enter(host: string): () => void;
  /** `host` timed out or could not be reached: it is not contacted again for the cool-down. */
  failed(host: string): void;
}

/** Host names remembered as cooling down; the oldest are forgotten first. */
const MAX_COOLING_HOSTS = 10_000;

/**
 * Per-host fairness for the shared fetcher: one host that accepts connections and never answers
 * can hold at most `maxConcurrentPerHost` of the fetch slots, and once its fetches time out it
 * is not contacted again until its cool-down ends — so one slow host cannot lock other hosts
 * out. A host busy or cooling down is refused at once ("overloaded" / "cooling_down"), never
 * queued, and neither refusal is remembered per URL.
 */
export function createHostLimits(options: HostLimitOptions): HostLimits {
  const active = new Map<string, number>();
  const coolingUntil = new LRUCache<string, number>({ max: MAX_COOLING_HOSTS });
  return {
    enter: (host) => {
      const until = coolingUntil.get(host);
      if (until !== undefined && options.clock() < until) {
        throw new FetchFailure(
          'cooling_down',
          'the host failed recently and is not contacted again until resolver.hostCooldown ends',
        );
      }
      const running = active.get(host) ?? 0;
      if (running >= options.maxConcurrentPerHost) {
        throw new FetchFailure(
          'overloaded',
          'too many key documents are being fetched from this host',
        );
      }
      active.set(host, running + 1);
      return () => {
        const left = (active.get(host) ?? 1) - 1;
        if (left === 0) active.delete(host);
        else active.set(host, left);
      };
    },
    failed: (host) => {
      if (options.cooldownMs > 0) coolingUntil.set(host, options.clock() + options.cooldownMs);
    },
  };
}
