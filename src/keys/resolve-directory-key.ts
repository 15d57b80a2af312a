import type { SignatureAgent } from '../credentials/read-signature-agent.js';
import { AuthzError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { DocumentSource } from './fetch/create-document-source.js';
import type { ClientMetadataKeys } from './parse-client-metadata.js';
import type { DirectoryKey, KeyDirectory } from './parse-key-directory.js';
import type { VerificationKey } from './verification-key.js';

/** Where a Web Bot Auth key is looked up: a Signature-Agent member, or a configured directory. */
export type KeyLocation = Pick<SignatureAgent, 'fetchUrl' | 'agentId'> & {
  readonly generation: SignatureAgent['generation'] | 'tag-directory';
};

/**
 * A directory key, and whether a directory response signature by it covered the response and
 * has not expired (a cached copy outlives its signatures' `expires`; what they prove does not).
 */
export interface DirectoryVerificationKey extends VerificationKey {
  readonly directorySigned: boolean;
}

/**
 * Finds the key with `thumbprint` at `location`: keyed by (URL, thumbprint), never keyid alone.
 * A document fetched for it is charged to `client` (see fetch-requester.ts).
 */
export type DirectoryKeyResolver = (
  location: KeyLocation,
  thumbprint: string,
  client?: string,
) => Promise<DirectoryVerificationKey>;

export const DIRECTORY_MEDIA_TYPES = [
  'application/http-message-signatures-directory+json',
  'application/jwk-set+json',
  'application/json',
] as const;

export const CLIENT_METADATA_MEDIA_TYPES = ['application/json'] as const;

export interface DirectorySources {
  /** Key directories and JWKS documents, by the URL fetched. */
  readonly directories: DocumentSource<KeyDirectory>;
  /** Client ID metadata documents (G2 `type=cimd`). */
  readonly clientMetadata: DocumentSource<ClientMetadataKeys>;
}

/**
 * Looks the thumbprint up in the cached document of the URL the location names (draft-ietf-
 * webbotauth-httpsig-protocol §4.3: "Key lookup MUST be keyed on the (URL, key) pair"). A
 * thumbprint the cached copy does not have may be a freshly rotated key: the document is
 * fetched again (at most once per `cacheTtl.min`) before the key is declared unknown; that
 * successful fetch replaces the cached copy, which is how a removed key stops verifying. A
 * `cimd` location reads its client metadata first, then its inline `jwks` or its `jwks_uri`.
 */
export function createDirectoryKeyResolver(
  sources: DirectorySources,
  clock: Clock,
): DirectoryKeyResolver {
  const inDirectory = async (
    source: DocumentSource<KeyDirectory>,
    url: URL,
    thumbprint: string,
    client: string | undefined,
  ) =>
    (await source.get(url, client)).value.keys.get(thumbprint) ??
    (await source.refresh(url, client)).value.keys.get(thumbprint);

  const inClientMetadata = async (url: URL, thumbprint: string, client: string | undefined) => {
    const find = async (metadata: ClientMetadataKeys) =>
      metadata.kind === 'inline'
        ? metadata.directory.keys.get(thumbprint)
        : inDirectory(sources.directories, metadata.jwksUri, thumbprint, client);
    const metadata = sources.clientMetadata;
    return (
      (await find((await metadata.get(url, client)).value)) ??
      (await find((await metadata.refresh(url, client)).value))
    );
  };

  return async (location, thumbprint, client) => {
    const entry =
      location.generation === 'g2-cimd'
        ? await inClientMetadata(location.fetchUrl, thumbprint, client)
        : await inDirectory(sources.directories, location.fetchUrl, thumbprint, client);
    if (entry === undefined) {
      throw new AuthzError('key_unresolvable', 'the key directory does not list this keyid');
    }
    const now = clock();
    checkValidity(entry, now);
    return {
      keyId: thumbprint,
      controller: location.agentId,
      algorithm: entry.algorithm,
      key: entry.key,
      directorySigned: entry.signedUntilMs !== undefined && now < entry.signedUntilMs,
    };
  };
}

function checkValidity(entry: DirectoryKey, now: number): void {
  if (entry.notBeforeMs !== undefined && now < entry.notBeforeMs) {
    throw new AuthzError('key_unresolvable', 'the directory key is not valid yet (nbf)');
  }
  if (entry.expiresAtMs !== undefined && now >= entry.expiresAtMs) {
    throw new AuthzError('key_unresolvable', 'the directory key has expired (exp)');
  }
}

/** The resolver when `resolver.network` is off: Web Bot Auth directories are never fetched. */
export const networkDisabled: DirectoryKeyResolver = async () => {
  throw new AuthzError(
    'did_method_unsupported',
    'Web Bot Auth key directories need resolver.network: true',
  );
};
