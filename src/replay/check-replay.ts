import { createHash } from 'node:crypto';
import { AuthzError } from '../errors.js';
import {
  type ClaimResult,
  isPromise,
  type MaybePromise,
  type ReplayStore,
} from '../store/store.js';

/**
 * The replay key of a (key id, nonce) pair. Each part is length-prefixed before hashing, so
 * `("a", "bc")` and `("ab", "c")` differ; hashing bounds the entry size whatever the key id.
 */
export function replayKey(namespace: string, keyId: string, nonce: string): string {
  const digest = createHash('sha256')
    .update(`${keyId.length}:${keyId}|${nonce.length}:${nonce}`, 'utf8')
    .digest('base64url');
  return `${namespace}:${digest}`;
}

const REPLAYED_MESSAGES: Readonly<Record<string, string>> = {
  sig: 'this signature nonce was already used',
  dpop: 'this DPoP proof was already used',
};

/**
 * Denies `replayed` when the key was already claimed within its window. Synchronous when the
 * store answers synchronously (memory), pending when it does not (Redis).
 */
export function checkReplay(store: ReplayStore, key: string, ttlMs: number): MaybePromise<void> {
  const claimed = store.claim(key, ttlMs);
  if (isPromise(claimed)) return claimed.then((result) => refuseSeen(result, key));
  refuseSeen(claimed, key);
}

function refuseSeen(result: ClaimResult, key: string): void {
  if (result === 'seen') {
    throw new AuthzError(
      'replayed',
      REPLAYED_MESSAGES[key.slice(0, key.indexOf(':'))] ?? 'this credential was already used',
    );
  }
}
