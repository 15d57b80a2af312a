import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteRedisKeys,
  openRedisStore,
  redisStoreOptions,
} from '../../test/support/redis-test-store.js';
import type { Clock } from '../lib/clock.js';
import { createSteadyClock } from '../lib/steady-clock.js';
import { createMemoryStore } from './memory/create-memory-store.js';
import type { Store } from './store.js';

/** The store contract: this suite runs unchanged against every implementation. */
const implementations: Array<{
  name: string;
  open(): Promise<Store>;
  cleanUp(): Promise<void>;
  /** How long past its TTL a replay key may still be held (Redis: one call timeout). */
  replayMarginMs: number;
}> = [
  {
    name: 'memory',
    replayMarginMs: 0,
    open: async () => createMemoryStore({ maxEntries: 10_000, maxAgents: 10_000 }),
    cleanUp: async () => {},
  },
  (() => {
    const options = redisStoreOptions();
    return {
      name: 'redis',
      replayMarginMs: options.timeoutMs,
      open: () => openRedisStore(options),
      cleanUp: () => deleteRedisKeys(options.keyPrefix),
    };
  })(),
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const T0 = Date.UTC(2027, 0, 15, 8, 0, 0);

/**
 * What the check does with a credential valid until `untilMs`: refuse it once its window has
 * closed by `clock`, else claim its replay key for the rest of the window.
 */
async function present(
  store: Store,
  clock: Clock,
  key: string,
  untilMs: number,
): Promise<'accepted' | 'expired' | 'replayed'> {
  const nowMs = clock();
  if (nowMs > untilMs) return 'expired';
  return (await store.replay.claim(key, Math.max(1, untilMs - nowMs))) === 'fresh'
    ? 'accepted'
    : 'replayed';
}

/**
 * Presents one credential with a 300 ms window every 20 ms for 600 ms of real time, after the
 * wall clock jumped by `jumpMs` right after its first use.
 */
async function presentAcrossAJump(store: Store, key: string, jumpMs: number) {
  const wall = { offsetMs: 0 };
  const clock = createSteadyClock({ wall: () => T0 + wall.offsetMs + performance.now() });
  const untilMs = clock() + 300;
  const outcomes = [await present(store, clock, key, untilMs)];
  wall.offsetMs = jumpMs;
  for (let elapsed = 0; elapsed < 600; elapsed += 20) {
    await sleep(20);
    outcomes.push(await present(store, clock, key, untilMs));
  }
  return outcomes;
}

describe.each(implementations)('the $name store', (implementation) => {
  let store: Store;
  beforeAll(async () => {
    store = await implementation.open();
  });
  afterAll(async () => {
    await store.close();
    await implementation.cleanUp();
  });

  describe('replay', () => {
    it('says fresh the first time a key is claimed and seen afterwards', async () => {
      expect(await store.replay.claim('sig:a', 60_000)).toBe('fresh');
      expect(await store.replay.claim('sig:a', 60_000)).toBe('seen');
      expect(await store.replay.claim('sig:b', 60_000)).toBe('fresh');
      expect(store.replay.size()).toBeGreaterThanOrEqual(2);
    });

    it('gives exactly one of many concurrent claims of one key', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.replay.claim('sig:race', 60_000)),
      );
      expect(results.filter((result) => result === 'fresh')).toHaveLength(1);
    });

    it.each([
      ['back an hour', -3_600_000],
      ['forward an hour', 3_600_000],
    ])(
      'never accepts a credential twice when the wall clock jumps %s after its first use',
      async (_name, jumpMs) => {
        const outcomes = await presentAcrossAJump(store, `sig:jump${jumpMs}`, jumpMs);
        expect(outcomes.filter((outcome) => outcome === 'accepted')).toEqual(['accepted']);
        expect(outcomes[0]).toBe('accepted');
        // The window closes by the check's clock: at once forward, after its 300 ms back.
        expect(outcomes.at(-1)).toBe('expired');
      },
    );

    it('forgets a key once its ttl has passed', async () => {
      await store.replay.claim('sig:short', 30);
      await sleep(80 + implementation.replayMarginMs);
      expect(await store.replay.claim('sig:short', 30)).toBe('fresh');
    });
  });

  describe('rate limits (GCRA)', () => {
    const rate = { limit: 3, windowMs: 3000 };

    it('allows a burst of `limit`, then refuses with the time until the next request', async () => {
      for (let i = 0; i < 3; i++)
        expect(await store.rateLimiter.take('r1', rate, T0)).toEqual({ allowed: true });
      expect(await store.rateLimiter.take('r1', rate, T0)).toEqual({
        allowed: false,
        retryAfterMs: 1000,
      });
      expect(await store.rateLimiter.take('r1', rate, T0 + 999)).toMatchObject({ allowed: false });
      expect(await store.rateLimiter.take('r1', rate, T0 + 1000)).toEqual({ allowed: true });
    });

    it('keeps keys apart', async () => {
      for (let i = 0; i < 3; i++) await store.rateLimiter.take('r2', rate, T0);
      expect(await store.rateLimiter.take('r3', rate, T0)).toEqual({ allowed: true });
    });

    it('sustains exactly limit per window, with fractional intervals', async () => {
      const thirds = { limit: 3, windowMs: 1000 };
      let allowed = 0;
      for (let t = 0; t < 10_000; t += 50) {
        if ((await store.rateLimiter.take('r4', thirds, T0 + t)).allowed) allowed++;
      }
      // 3 of burst, then one every 333.3 ms for 10 s.
      expect(allowed).toBe(3 + 29);
    });
  });

  describe('history', () => {
    it('knows nothing of an agent that made no request', async () => {
      expect(await store.history.get('did:key:none')).toBeUndefined();
    });

    it('counts outcomes and keeps the distinct workloads seen, most recent last', async () => {
      const id = 'did:key:counted';
      await store.history.recordOutcome(id, { allowed: true, workload: 'w1', atMs: T0 });
      await store.history.recordOutcome(id, { allowed: false, workload: 'w2', atMs: T0 + 5 });
      await store.history.recordOutcome(id, { allowed: true, workload: 'w1', atMs: T0 + 9 });
      expect(await store.history.get(id)).toEqual({
        firstSeenMs: T0,
        lastSeenMs: T0 + 9,
        allowed: 2,
        denied: 1,
        workloads: ['w2', 'w1'],
        pinnedWorkload: undefined,
        driftEvents: [],
        quarantined: false,
      });
    });

    it('keeps at most ten workloads', async () => {
      const id = 'did:key:many-workloads';
      for (let i = 0; i < 12; i++) {
        await store.history.recordOutcome(id, { allowed: true, workload: `w${i}`, atMs: T0 });
      }
      expect((await store.history.get(id))?.workloads).toEqual(
        Array.from({ length: 10 }, (_, i) => `w${i + 2}`),
      );
    });

    it('pins the first workload and keeps it', async () => {
      expect(await store.history.pinWorkload('did:key:pinned', 'spiffe://a')).toBe('spiffe://a');
      expect(await store.history.pinWorkload('did:key:pinned', 'spiffe://b')).toBe('spiffe://a');
      expect((await store.history.get('did:key:pinned'))?.pinnedWorkload).toBe('spiffe://a');
    });

    it('records drift, quarantines, and releases once', async () => {
      const id = 'did:key:drifter';
      const event = { atMs: T0, from: 'spiffe://a', to: 'spiffe://b' };
      await store.history.recordDrift(id, event, false);
      expect(await store.history.get(id)).toMatchObject({
        driftEvents: [event],
        quarantined: false,
      });
      await store.history.recordDrift(id, { ...event, atMs: T0 + 1 }, true);
      expect(await store.history.get(id)).toMatchObject({ quarantined: true });
      expect((await store.history.get(id))?.driftEvents).toHaveLength(2);
      expect(await store.history.release(id)).toBe(true);
      expect(await store.history.release(id)).toBe(false);
      expect(await store.history.get(id)).toMatchObject({ quarantined: false });
    });

    it('lists agents by id, a page at a time, the cursor exclusive', async () => {
      for (const id of ['list:c', 'list:a', 'list:b']) {
        await store.history.recordOutcome(id, { allowed: true, workload: undefined, atMs: T0 });
      }
      await store.history.pinWorkload('list:d', 'spiffe://d');
      const first = await store.history.list({ after: 'list:', limit: 2 });
      expect(first.agents.map((agent) => agent.id)).toEqual(['list:a', 'list:b']);
      expect(first.next).toBe('list:b');
      const second = await store.history.list({ after: first.next!, limit: 2 });
      expect(second.agents.map((agent) => agent.id)).toEqual(['list:c', 'list:d']);
      expect(second.agents[1]?.history.pinnedWorkload).toBe('spiffe://d');
      const rest = await store.history.list({ after: 'list:d', limit: 2 });
      expect(rest.agents.filter((agent) => agent.id.startsWith('list:'))).toEqual([]);
    });
  });

  describe('revocations', () => {
    it('revokes, reports and lifts a revocation', async () => {
      expect(await store.revocations.anyRevoked(['did:key:x', 'kid-1'])).toBe(false);
      await store.revocations.revoke('kid-1');
      await store.revocations.revoke('did:key:b');
      expect(await store.revocations.anyRevoked(['did:key:x', 'kid-1'])).toBe(true);
      expect(await store.revocations.list()).toEqual(['did:key:b', 'kid-1']);
      expect(await store.revocations.unrevoke('kid-1')).toBe(true);
      expect(await store.revocations.unrevoke('kid-1')).toBe(false);
      expect(await store.revocations.anyRevoked(['kid-1'])).toBe(false);
    });
  });

  it('answers ping when it can serve', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
