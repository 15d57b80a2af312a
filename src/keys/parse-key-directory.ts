import type { KeyObject } from 'node:crypto';
import { isAuthzError } from '../errors.js';
import { FetchFailure } from './fetch/fetch-outcomes.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { importPublicJwk, type SignatureAlgorithm } from './verification-key.js';

/** One usable key of a directory, with its JWK validity window when it declares one. */
export interface DirectoryKey {
  readonly algorithm: SignatureAlgorithm;
  readonly key: KeyObject;
  readonly notBeforeMs: number | undefined;
  readonly expiresAtMs: number | undefined;
}

/** A Web Bot Auth key directory: its usable keys by RFC 7638 thumbprint. */
export type KeyDirectory = ReadonlyMap<string, DirectoryKey>;

/** Keys a Web Bot Auth directory may publish (SPEC §2.1: RSA-PSS-SHA512 too). */
export const DIRECTORY_ALGORITHMS: readonly SignatureAlgorithm[] = [
  'ed25519',
  'ecdsa-p256-sha256',
  'rsa-pss-sha512',
];

/** draft-meunier-webbotauth-httpsig-protocol, SSRF: "Verifiers SHOULD enforce a maximum key count". */
export const MAX_DIRECTORY_KEYS = 64;

/**
 * A key directory body (a JWKS, draft-meunier-webbotauth-httpsig-directory §3). Entries that
 * are malformed, encryption-only or of another key type are skipped, as the draft suggests;
 * a body that is not a JWKS, or has more than MAX_DIRECTORY_KEYS keys, is `invalid`.
 */
export function parseKeyDirectory(body: Buffer): KeyDirectory {
  const keys = readJwks(body);
  const directory = new Map<string, DirectoryKey>();
  for (const jwk of keys) {
    const entry = directoryKey(jwk);
    if (entry !== null) directory.set(entry.thumbprint, entry.key);
  }
  return directory;
}

function readJwks(body: Buffer): Record<string, unknown>[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FetchFailure('invalid', 'the key directory is not JSON', { cause: error });
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    throw new FetchFailure('invalid', 'the key directory is not a JWK set');
  }
  if (keys.length > MAX_DIRECTORY_KEYS) {
    throw new FetchFailure('invalid', `the key directory has more than ${MAX_DIRECTORY_KEYS} keys`);
  }
  return keys.filter(
    (key): key is Record<string, unknown> =>
      typeof key === 'object' && key !== null && !Array.isArray(key),
  );
}

function directoryKey(
  jwk: Record<string, unknown>,
): { thumbprint: string; key: DirectoryKey } | null {
  if (jwk.use === 'enc') return null;
  const thumbprint = jwkThumbprint(jwk);
  if (thumbprint === undefined) return null;
  try {
    const { algorithm, key } = importPublicJwk(jwk, DIRECTORY_ALGORITHMS);
    return {
      thumbprint,
      key: { algorithm, key, notBeforeMs: epochMs(jwk.nbf), expiresAtMs: epochMs(jwk.exp) },
    };
  } catch (error) {
    if (isAuthzError(error)) return null;
    throw error;
  }
}

function epochMs(seconds: unknown): number | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
