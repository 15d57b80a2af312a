import { AuthzError } from '../../errors.js';

/**
 * The Retry-After of a `key_pending` answer, in seconds. The fetch goes on up to its own
 * timeout; most finish well within a second, and the retry is then answered from the cache.
 */
export const KEY_PENDING_RETRY_SECONDS = 1;

/**
 * `fetch`, or a retryable `key_pending` (503, Retry-After) once `maxWaitMs` has passed without
 * it: the fetch is not abandoned, it goes on and fills the cache for the retry. "Still
 * fetching" is kept apart from "fetched, and the key is not there" (`key_unresolvable`, 401),
 * which a retry would not change. `what` names the document in the message.
 */
export function waitForFetch<T>(
  fetch: Promise<T>,
  maxWaitMs: number,
  what: string,
  onExceeded?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onExceeded?.();
      reject(
        new AuthzError('key_pending', `${what} did not arrive within resolver.maxWait`, {
          retryAfterSeconds: KEY_PENDING_RETRY_SECONDS,
        }),
      );
    }, maxWaitMs);
  });
  return Promise.race([fetch, waited]).finally(() => clearTimeout(timer));
}
