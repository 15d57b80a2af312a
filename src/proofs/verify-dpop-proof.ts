import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { AuthzError } from '../errors.js';
import { rsaKeySizeProblem } from '../keys/check-rsa-key-size.js';
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { hasSecretMembers } from '../keys/verification-key.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import type { CheckedProofHeader, ProofKeyGetter, ProofKeys } from './cache-proof-keys.js';
import { tokenSha256 } from './token-sha256.js';
import { type CompactParts, compactParts, verifyProofSignature } from './verify-proof-signature.js';

/** RFC 9449 §4.3 step 5: asymmetric algorithms only; also the `algs` of our DPoP challenge. */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519', 'ES384', 'PS256', 'RS256'] as const;

export interface ProofWindow {
  /** Oldest accepted `iat`. */
  readonly maxAgeMs: number;
  /** How far ahead of our clock `iat` may be. */
  readonly clockSkewMs: number;
}

/** The request a proof must have been made for. */
export interface ProofTarget {
  readonly method: string;
  /** The request URI; its query and fragment are ignored. */
  readonly uri: string;
  /** The access token presented with the proof, for `ath`. */
  readonly accessToken: string;
  /** tokenSha256(accessToken), when the caller has it already (it is the token cache's key). */
  readonly accessTokenSha256?: string;
}

/** A proof that passed the checklist, with what binding and replay checks need. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof key: compared with the token's `cnf.jkt`. */
  readonly thumbprint: string;
  readonly jti: string;
  /** Epoch ms after which this proof is refused anyway: its replay entry may go then. */
  readonly acceptableUntilMs: number;
}

const MAX_JTI_LENGTH = 256;

/** A payload's bytes as text; U+FFFD for what is not UTF-8, as JSON.parse then refuses or keeps. */
const UTF8 = new TextDecoder();

/**
 * RFC 9449 §4.3 steps 2–5 and 7, which depend on the protected header alone and cost no
 * signature work: a JWT typed dpop+jwt, an accepted asymmetric alg, a public embedded jwk (an
 * RSA one within the size caps of check-rsa-key-size.ts). Returns the header with the RFC 7638
 * thumbprint of its key, which the caller compares with the token's `cnf.jkt` before it pays
 * for the signature (verifyCheckedDpopProof). Remembered per encoded header in `proofKeys`; a proof
 * that is not three strict base64url parts (which cannot verify) is checked without the cache.
 */
export function checkDpopProofHeader(proof: string, proofKeys: ProofKeys): CheckedProofHeader {
  const parts = compactParts(proof);
  const kept = parts === undefined ? undefined : proofKeys.checkedHeader(parts.protected);
  if (kept !== undefined) return kept;
  const header = proofHeader(proof);
  const checked = deepFreeze({ header, thumbprint: proofKeyThumbprint(header) });
  if (parts !== undefined) proofKeys.keepCheckedHeader(parts.protected, checked);
  return checked;
}

/**
 * RFC 9449 §4.3, steps 2–9, 11 and 12: typ, alg, a public embedded jwk, the signature, htm, htu,
 * ath, jti and iat, in that order. Replay of `jti` and the `cnf.jkt` binding are checked by the
 * caller. Server-provided nonces (step 10) are not used. `proofKeys` remembers each header's
 * checks and imports its embedded jwk (see cache-proof-keys.ts: once per header). The token
 * profile runs the same steps split in two, with the token and its binding between them.
 */
export async function verifyDpopProof(
  proof: string,
  target: ProofTarget,
  window: ProofWindow,
  nowMs: number,
  proofKeys: ProofKeys,
): Promise<VerifiedProof> {
  const checked = checkDpopProofHeader(proof, proofKeys);
  return verifyCheckedDpopProof(proof, checked, target, window, nowMs, proofKeys);
}

/**
 * RFC 9449 §4.3 steps 6, 8, 9, 11 and 12 for a proof whose header passed checkDpopProofHeader
 * (`checked`): the signature by the embedded key (imported once per header by `proofKeys`),
 * htm, htu, ath, jti and iat.
 */
export async function verifyCheckedDpopProof(
  proof: string,
  checked: CheckedProofHeader,
  target: ProofTarget,
  window: ProofWindow,
  nowMs: number,
  proofKeys: ProofKeys,
): Promise<VerifiedProof> {
  const payload = await verifiedPayload(proof, compactParts(proof), checked.header, proofKeys.key);
  if (payload.htm !== target.method) {
    throw new AuthzError('binding_mismatch', 'the DPoP proof was made for another method');
  }
  if (!sameUri(payload.htu, target.uri)) {
    throw new AuthzError('binding_mismatch', 'the DPoP proof was made for another URI');
  }
  if (typeof payload.ath !== 'string') {
    throw invalid('the DPoP proof has no ath (hash of the access token)');
  }
  if (payload.ath !== (target.accessTokenSha256 ?? tokenSha256(target.accessToken))) {
    throw new AuthzError('binding_mismatch', 'the DPoP proof was made for another access token');
  }
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalid('the DPoP proof needs a jti of at most 256 characters');
  }
  const acceptableUntilMs = checkIat(payload.iat, window, nowMs);
  return { thumbprint: checked.thumbprint, jti, acceptableUntilMs };
}

/** Step 2: the protected header of a JWT. */
function proofHeader(proof: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(proof);
  } catch (error) {
    throw new AuthzError('credential_malformed', 'the DPoP proof is not a JWT', { cause: error });
  }
}

/**
 * Steps 3–5 and 7: typ dpop+jwt, an allowed alg and a public jwk, whose RFC 7638 thumbprint is
 * returned. An RSA jwk is bounded here, before any import: the proof carries its own key, so
 * whoever sends it chooses what the verify would cost.
 */
function proofKeyThumbprint(header: ProtectedHeaderParameters): string {
  if (header.typ !== 'dpop+jwt') throw invalid('the DPoP proof typ is not dpop+jwt');
  if (!(DPOP_ALGORITHMS as readonly unknown[]).includes(header.alg)) {
    throw invalid('the DPoP proof alg is not an accepted asymmetric algorithm');
  }
  const jwk = header.jwk as Record<string, unknown> | undefined;
  const thumbprint = typeof jwk === 'object' && jwk !== null ? jwkThumbprint(jwk) : undefined;
  if (thumbprint === undefined) throw invalid('the DPoP proof needs a public jwk header');
  if (hasSecretMembers(jwk!)) {
    throw invalid('the DPoP proof jwk contains private key material');
  }
  const rsaProblem = jwk!.kty === 'RSA' ? rsaKeySizeProblem(jwk!.n, jwk!.e) : undefined;
  if (rsaProblem !== undefined) throw invalid(`the DPoP proof jwk is refused: ${rsaProblem}`);
  return thumbprint;
}

/** Step 6: the signature, by the embedded key of the right type for the alg. */
async function verifiedPayload(
  proof: string,
  parts: CompactParts | undefined,
  header: ProtectedHeaderParameters,
  proofKey: ProofKeyGetter,
): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    bytes = await verifyProofSignature(proof, parts, header, proofKey, DPOP_ALGORITHMS);
  } catch (error) {
    throw invalid('the DPoP proof signature does not verify with its jwk', error);
  }
  try {
    const payload: unknown = JSON.parse(UTF8.decode(bytes));
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      return payload as Record<string, unknown>;
    }
  } catch {}
  throw invalid('the DPoP proof payload is not a JSON object');
}

/**
 * Step 9: `htu` names the request URI. The same text names the same URI, so one parse (that it
 * is an http(s) URI at all) decides; other texts are compared once both are normalised.
 */
function sameUri(htu: unknown, requestUri: string): boolean {
  if (typeof htu !== 'string') return false;
  const normalised = withoutQuery(requestUri);
  return normalised !== undefined && (htu === requestUri || withoutQuery(htu) === normalised);
}

/** Scheme, host, port and path, normalised by the URL parser (RFC 3986 §6). */
function withoutQuery(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/** Step 11: `iat` within the window; returns when the proof stops being acceptable. */
function checkIat(iat: unknown, window: ProofWindow, nowMs: number): number {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw invalid('the DPoP proof needs a numeric iat');
  }
  const iatMs = iat * 1000;
  if (iatMs - nowMs > window.clockSkewMs) {
    throw new AuthzError('not_yet_valid', 'the DPoP proof was created in the future');
  }
  if (nowMs - iatMs > window.maxAgeMs) {
    throw new AuthzError('expired', 'the DPoP proof is older than the accepted maximum age');
  }
  return iatMs + window.maxAgeMs;
}

function invalid(message: string, cause?: unknown): AuthzError {
  return new AuthzError('token_invalid', message, { cause });
}
