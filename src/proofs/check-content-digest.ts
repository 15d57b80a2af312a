import { createHash } from 'node:crypto';
import { AuthzError } from '../errors.js';
import { parseStructuredDictionary } from '../lib/parse-structured-dictionary.js';
import type { SfMember } from '../lib/structured-field.js';
import type { RequestBody } from '../request/authz-request.js';

/** RFC 9530 §5 algorithms with "Active" status that we check. */
const HASHES: Readonly<Record<string, string>> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

/** The default of `limits.maxDigestBodyBytes`. */
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Checks `Content-Digest` against the body Envoy forwarded. Every supported digest present must
 * match and at least one must be present; unsupported ones are ignored (RFC 9530 §2). An
 * algorithm named twice (on one line or two) is refused: RFC 8941 would keep the last, so the
 * other digest would never be compared and the answer would depend on line order. A body
 * larger than `maxBodyBytes` is refused unhashed: hashing is the one cost of a check that
 * grows with the request.
 */
export function checkContentDigest(
  headerValue: string,
  body: RequestBody,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
): void {
  if (body.bytes.length > maxBodyBytes) {
    throw new AuthzError(
      'body_too_large',
      `the body is larger than limits.maxDigestBodyBytes (${maxBodyBytes}), so its digest is not checked`,
    );
  }
  if (body.truncated) {
    throw new AuthzError(
      'digest_mismatch',
      'Envoy forwarded a truncated body, so its digest cannot be checked',
    );
  }
  const digests = parseDigests(headerValue);
  let checked = 0;
  for (const [algorithm, [value]] of digests) {
    const hash = HASHES[algorithm];
    if (hash === undefined) continue;
    if (!(value instanceof ArrayBuffer)) {
      throw new AuthzError(
        'credential_malformed',
        `Content-Digest ${algorithm} is not a byte sequence`,
      );
    }
    const actual = createHash(hash).update(body.bytes).digest();
    if (!actual.equals(Buffer.from(value))) {
      throw new AuthzError('digest_mismatch', `the body does not match its ${algorithm} digest`);
    }
    checked += 1;
  }
  if (checked === 0) {
    throw new AuthzError('digest_mismatch', 'Content-Digest has no sha-256 or sha-512 digest');
  }
}

function parseDigests(headerValue: string): Map<string, SfMember> {
  try {
    return parseStructuredDictionary(headerValue, { strict: true });
  } catch (error) {
    throw new AuthzError(
      'credential_malformed',
      'Content-Digest is not a dictionary naming each algorithm once',
      { cause: error },
    );
  }
}
