import { AuthzError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { DocumentSource } from './fetch/create-document-source.js';
import type { KeyDirectory } from './parse-key-directory.js';
import type { VerificationKey } from './verification-key.js';

/** Finds the key with `thumbprint` in the Web Bot Auth directory of `origin`. */
export type DirectoryKeyResolver = (origin: string, thumbprint: string) => Promise<VerificationKey>;

/** draft-meunier-webbotauth-httpsig-directory §4: the well-known directory location. */
export const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';
export const DIRECTORY_MEDIA_TYPES = [
  'application/http-message-signatures-directory+json',
  'application/json',
] as const;

/**
 * Looks the thumbprint up in the cached directory. A thumbprint the cached copy does not have
 * may be a freshly rotated key: the directory is fetched again (at most once per
 * `cacheTtl.min`) before the key is declared unknown. The agent is the directory's origin.
 */
export function createDirectoryKeyResolver(
  source: DocumentSource<KeyDirectory>,
  clock: Clock,
): DirectoryKeyResolver {
  return async (origin, thumbprint) => {
    const url = new URL(DIRECTORY_PATH, origin);
    let entry = (await source.get(url)).value.get(thumbprint);
    entry ??= (await source.refresh(url)).value.get(thumbprint);
    if (entry === undefined) {
      throw new AuthzError('key_unresolvable', 'the key directory does not list this keyid');
    }
    const now = clock();
    if (entry.notBeforeMs !== undefined && now < entry.notBeforeMs) {
      throw new AuthzError('key_unresolvable', 'the directory key is not valid yet (nbf)');
    }
    if (entry.expiresAtMs !== undefined && now >= entry.expiresAtMs) {
      throw new AuthzError('key_unresolvable', 'the directory key has expired (exp)');
    }
    return { keyId: thumbprint, controller: origin, algorithm: entry.algorithm, key: entry.key };
  };
}

/** The resolver when `resolver.network` is off: Web Bot Auth directories are never fetched. */
export const networkDisabled: DirectoryKeyResolver = async () => {
  throw new AuthzError(
    'did_method_unsupported',
    'Web Bot Auth key directories need resolver.network: true',
  );
};
