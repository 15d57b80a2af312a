import type { KeyObject } from 'node:crypto';
import { WELL_KNOWN_DIRECTORY_PATH } from '../credentials/read-signature-agent.js';
import { isAuthzError } from '../errors.js';
import { verifyDirectorySignatures } from '../proofs/verify-directory-signature.js';
import type { FetchedDocument } from './fetch/fetch-https-document.js';
import { FetchFailure } from './fetch/fetch-outcomes.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { importPublicJwk, type SignatureAlgorithm } from './verification-key.js';

/** One usable key of a directory, with its JWK validity window when it declares one. */
export interface DirectoryKey {
  readonly algorithm: SignatureAlgorithm;
  readonly key: KeyObject;
  readonly notBeforeMs: number | undefined;
  readonly expiresAtMs: number | undefined;
  /**
   * Until when (epoch ms) a valid directory response signature by this key covers the response
   * it came in: the earliest `expires` of those signatures. Undefined: none does.
   */
  readonly signedUntilMs: number | undefined;
}

/** A Web Bot Auth key directory (or JWKS): its usable keys by RFC 7638 thumbprint. */
export interface KeyDirectory {
  readonly keys: ReadonlyMap<string, DirectoryKey>;
  /** The response carried a valid directory response signature. */
  readonly signed: boolean;
  /** The earliest `expires` of its valid response signatures; undefined when unsigned. */
  readonly signedUntilMs: number | undefined;
}

/**
 * draft-ietf-webbotauth-httpsig-protocol §5.1.1: "The `alg` parameter is restricted to
 * algorithms registered in the HTTP Signature Algorithms section" (RFC 9421 §6.2.2). A JWK
 * `alg` names the registered algorithm itself, or the JOSE name of the same algorithm (which
 * signers such as Cloudflare's `web-bot-auth` need to pick RSASSA-PSS); a key whose `alg` says
 * anything else (RS256, PS256, …) is skipped rather than verified with another algorithm.
 */
const ALG_NAMES: ReadonlyMap<unknown, SignatureAlgorithm> = new Map([
  ['ed25519', 'ed25519'],
  ['EdDSA', 'ed25519'],
  ['Ed25519', 'ed25519'],
  ['ecdsa-p256-sha256', 'ecdsa-p256-sha256'],
  ['ES256', 'ecdsa-p256-sha256'],
  ['rsa-pss-sha512', 'rsa-pss-sha512'],
  ['PS512', 'rsa-pss-sha512'],
]);

export interface DirectoryParseOptions {
  readonly nowMs: number;
  /** Tolerance for a response signature's `created` (signatures.clockSkew). */
  readonly clockSkewMs: number;
}

/** Keys a Web Bot Auth directory may publish (SPEC §2.1: RSA-PSS-SHA512 too). */
export const DIRECTORY_ALGORITHMS: readonly SignatureAlgorithm[] = [
  'ed25519',
  'ecdsa-p256-sha256',
  'rsa-pss-sha512',
];

/** draft-meunier-webbotauth-httpsig-protocol, SSRF: "Verifiers SHOULD enforce a maximum key count". */
export const MAX_DIRECTORY_KEYS = 64;

/**
 * A key directory response (a JWKS, draft-ietf-webbotauth-httpsig-protocol §5.1.1). Entries
 * that are malformed, encryption-only, of another key type, with an unregistered `alg`, or — at
 * the well-known URL — with a `kid` that is not their thumbprint are skipped ("A verifier SHOULD
 * validate the directory format and reject malformed entries"). A body that is not a JWKS, has
 * more than MAX_DIRECTORY_KEYS keys, or carries a directory response signature that does not
 * hold, is `invalid`: a signature that fails is evidence of tampering, not a detail.
 */
export function parseKeyDirectory(
  document: FetchedDocument,
  url: URL,
  options: DirectoryParseOptions,
): KeyDirectory {
  const wellKnown = url.pathname === WELL_KNOWN_DIRECTORY_PATH;
  const keys = new Map<string, Omit<DirectoryKey, 'signedUntilMs'>>();
  for (const jwk of readJwks(parseJson(document.body))) {
    const entry = directoryKey(jwk, wellKnown);
    if (entry !== null) keys.set(entry.thumbprint, entry.key);
  }
  const report = verifyDirectorySignatures(
    {
      authority: document.authority ?? url.host,
      headers: document.signatureFields ?? new Map(),
      body: document.body,
    },
    keys,
    { nowMs: options.nowMs, clockSkewMs: options.clockSkewMs },
  );
  if (report.problems.length > 0) {
    throw new FetchFailure(
      'invalid',
      `the key directory's response signature is invalid (${report.problems[0]})`,
    );
  }
  const signed = new Map<string, DirectoryKey>();
  for (const [thumbprint, key] of keys) {
    signed.set(thumbprint, { ...key, signedUntilMs: report.signedUntil.get(thumbprint) });
  }
  const until = Math.min(...report.signedUntil.values());
  return {
    keys: signed,
    signed: report.signedUntil.size > 0,
    signedUntilMs: Number.isFinite(until) ? until : undefined,
  };
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new FetchFailure('invalid', 'the key document is not JSON', { cause: error });
  }
}

export function readJwks(json: unknown): Record<string, unknown>[] {
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

export function directoryKey(
  jwk: Record<string, unknown>,
  wellKnown: boolean,
): { thumbprint: string; key: Omit<DirectoryKey, 'signedUntilMs'> } | null {
  if (jwk.use === 'enc') return null;
  const thumbprint = jwkThumbprint(jwk);
  if (thumbprint === undefined) return null;
  // §5.1: at the well-known URI a `kid` "MUST be set to the thumbprint".
  if (wellKnown && jwk.kid !== undefined && jwk.kid !== thumbprint) return null;
  const named = jwk.alg === undefined ? undefined : (ALG_NAMES.get(jwk.alg) ?? null);
  if (named === null) return null;
  try {
    const { algorithm, key } = importPublicJwk(jwk, DIRECTORY_ALGORITHMS);
    if (named !== undefined && named !== algorithm) return null;
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
