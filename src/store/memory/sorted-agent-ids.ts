import { createRequire } from 'node:module';
import type * as SortedBtree from 'sorted-btree';

// sorted-btree is CommonJS with its class on `exports.default`, which ESM loaders unwrap
// differently (Node's does not, Vitest's does); `require` reads it the same way everywhere.
const { default: BTree } = createRequire(import.meta.url)('sorted-btree') as typeof SortedBtree;

/** Plain code-unit order, the order Redis ZRANGE BYLEX uses for ASCII ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The ids of every agent the memory store holds, kept in order as they come and go, so a page
 * of the listing costs O(log n + page) whatever the number of agents: no copy, no sort.
 */
export class SortedAgentIds {
  readonly #ids = new BTree<string, undefined>(undefined, compareIds);

  add(id: string): void {
    this.#ids.set(id, undefined);
  }

  delete(id: string): void {
    this.#ids.delete(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  /**
   * At most `limit` ids after `after` (exclusive) in order, and the cursor of the next page
   * (the last id returned) when more follow.
   */
  page(options: { after?: string; limit: number }): { ids: string[]; next?: string } {
    const limit = Math.max(0, options.limit);
    const first =
      options.after === undefined ? this.#ids.minKey() : this.#ids.nextHigherKey(options.after);
    const ids: string[] = [];
    if (first === undefined || limit === 0) return { ids };
    for (const id of this.#ids.keys(first)) {
      if (ids.length === limit) return { ids, next: ids.at(-1)! };
      ids.push(id);
    }
    return { ids };
  }
}
