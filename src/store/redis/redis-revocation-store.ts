import { AuthzError } from '../../errors.js';
import type { RevocationStore } from '../store.js';
import type { RedisCalls } from './guard-redis-calls.js';
import type { RedisKeys } from './redis-keys.js';
import { CHANGE_REVOCATION, RESTORE_REVOCATIONS } from './redis-scripts.js';

/**
 * Revocations in a Redis set, mirrored in each process so `anyRevoked` costs no round trip.
 * A change is applied to the set and published in one call; every replica applies the message
 * (milliseconds) and also replaces its mirror on each resync, so one that missed a message
 * converges. Until the first snapshot has loaded, `anyRevoked` refuses: a replica that has
 * never seen the set cannot say an agent is not revoked.
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #calls: RedisCalls;
  readonly #keys: RedisKeys;
  #mirror = new Set<string>();
  #loaded = false;
  /** Counts local changes, so a snapshot taken before one cannot undo it. */
  #changes = 0;

  constructor(calls: RedisCalls, keys: RedisKeys) {
    this.#calls = calls;
    this.#keys = keys;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  async revoke(id: string): Promise<void> {
    await this.#change('revoke', id);
    this.apply('revoke', id);
  }

  async unrevoke(id: string): Promise<boolean> {
    const removed = (await this.#change('unrevoke', id)) === 1;
    this.apply('unrevoke', id);
    return removed;
  }

  async anyRevoked(ids: readonly string[]): Promise<boolean> {
    if (!this.#loaded) {
      throw new AuthzError('store_unavailable', 'revocations have not been loaded from Redis yet');
    }
    return this.#mirror.size > 0 && ids.some((id) => this.#mirror.has(id));
  }

  async list(): Promise<string[]> {
    const members = (await this.#calls.run((link) =>
      link.send(this.#keys.revoked, ['SMEMBERS', this.#keys.revoked]),
    )) as string[];
    return members.sort();
  }

  /** A message from another replica (or this one): `revoke\n<id>` or `unrevoke\n<id>`. */
  apply(operation: string, id: string): void {
    this.#changes += 1;
    if (operation === 'revoke') this.#mirror.add(id);
    else if (operation === 'unrevoke') this.#mirror.delete(id);
  }

  /** Pass to `replace` the value this had when the snapshot was requested. */
  get changes(): number {
    return this.#changes;
  }

  /**
   * Replaces the mirror with the set as Redis holds it (periodic resync). A snapshot older than
   * a change seen since is only merged in, never allowed to drop that change.
   */
  replace(members: readonly string[], changesAtRequest: number): void {
    if (changesAtRequest === this.#changes) this.#mirror = new Set(members);
    else this.merge(members);
    this.#loaded = true;
  }

  /** Adds members without dropping any (after Redis lost its data, the mirror is the truth). */
  merge(members: readonly string[]): void {
    for (const id of members) this.#mirror.add(id);
    this.#loaded = true;
  }

  /** After Redis lost its data: writes back the revocations this process still holds. */
  async restore(): Promise<number> {
    const ids = [...this.#mirror];
    await this.#calls.run((link) => link.script(RESTORE_REVOCATIONS, [this.#keys.revoked], ids));
    return ids.length;
  }

  #change(operation: 'revoke' | 'unrevoke', id: string): Promise<unknown> {
    return this.#calls.run((link) =>
      link.script(CHANGE_REVOCATION, [this.#keys.revoked], [operation, id, this.#keys.channel]),
    );
  }
}
