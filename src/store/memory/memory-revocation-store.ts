import type { RevocationStore } from '../store.js';

/** Revocations in memory; they are few and must never be forgotten, so no eviction. */
export class MemoryRevocationStore implements RevocationStore {
  readonly #revoked = new Set<string>();

  async revoke(id: string): Promise<void> {
    this.#revoked.add(id);
  }

  async unrevoke(id: string): Promise<boolean> {
    return this.#revoked.delete(id);
  }

  anyRevoked(ids: readonly string[]): boolean {
    return this.#revoked.size > 0 && ids.some((id) => this.#revoked.has(id));
  }

  async list(): Promise<string[]> {
    return [...this.#revoked].sort();
  }
}
