import { isAuthzError } from '../../errors.js';
import { jwkThumbprint } from '../../keys/jwk-thumbprint.js';
import { findKnownTestKey } from '../../keys/known-test-keys.js';
import {
  DIRECTORY_ALGORITHMS,
  directoryKey,
  MAX_DIRECTORY_KEYS,
} from '../../keys/parse-key-directory.js';
import { hasSecretMembers, importPublicJwk } from '../../keys/verification-key.js';
import {
  type CheckedKey,
  type Finding,
  finding,
  shown,
  type TargetKind,
} from './directory-report.js';

/** RFC 9421 §6.2.2, the HTTP Signature Algorithms registry: what a JWK `alg` may say here. */
const REGISTERED_ALGORITHMS = [
  'rsa-pss-sha512',
  'rsa-v1_5-sha256',
  'hmac-sha256',
  'ecdsa-p256-sha256',
  'ecdsa-p384-sha384',
  'ed25519',
];

const SOON_MS = 7 * 86_400_000;

export interface KeysInspection {
  readonly keys: CheckedKey[];
  readonly findings: Finding[];
}

/** Every key of a JWK Set body, judged one by one, as the server would use it and beyond. */
export function inspectDirectoryKeys(
  body: Buffer,
  kind: TargetKind,
  nowMs: number,
): KeysInspection {
  const findings: Finding[] = [];
  const entries = readKeys(body, findings);
  if (entries === null) return { keys: [], findings };
  const keys = entries.map((jwk, index) =>
    inspectKey(jwk, `key ${index + 1}`, kind, nowMs, findings),
  );
  const seen = new Set<string>();
  for (const key of keys) {
    if (key.thumbprint === undefined) continue;
    if (seen.has(key.thumbprint)) {
      findings.push(
        finding('warning', 'duplicate_key', `the key ${key.thumbprint} is listed more than once`),
      );
    }
    seen.add(key.thumbprint);
  }
  if (!keys.some((key) => key.usable)) {
    findings.push(
      finding(
        'error',
        'no_usable_key',
        'no key in it can verify a request: every Web Bot Auth signature naming it is refused',
      ),
    );
  }
  return { keys, findings };
}

function readKeys(body: Buffer, findings: Finding[]): unknown[] | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    findings.push(finding('error', 'not_json', 'the body is not JSON'));
    return null;
  }
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    findings.push(
      finding('error', 'not_jwks', 'the body is not a JWK Set: it needs a "keys" array'),
    );
    return null;
  }
  if (keys.length > MAX_DIRECTORY_KEYS) {
    findings.push(
      finding(
        'error',
        'too_many_keys',
        `it lists ${keys.length} keys; verifiers refuse more than ${MAX_DIRECTORY_KEYS}`,
      ),
    );
    return null;
  }
  return keys;
}

function inspectKey(
  jwk: unknown,
  name: string,
  kind: TargetKind,
  nowMs: number,
  findings: Finding[],
): CheckedKey {
  const unusable = {
    thumbprint: undefined,
    kid: undefined,
    algorithm: undefined,
    usable: false,
    signedResponse: false,
  };
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    findings.push(finding('error', 'not_a_jwk', `${name} is not a JSON object`));
    return unusable;
  }
  const record = jwk as Record<string, unknown>;
  const kid = typeof record.kid === 'string' ? record.kid : undefined;
  const thumbprint = jwkThumbprint(record);
  const label = `${name}${kid === undefined ? '' : ` (kid ${shown(kid)})`}`;
  if (hasSecretMembers(record)) {
    findings.push(
      finding(
        'error',
        'private_key_published',
        `${label} publishes private key material: remove it from the directory and replace the key now`,
      ),
    );
    return { ...unusable, kid, thumbprint };
  }
  if (thumbprint === undefined) {
    findings.push(
      finding(
        'error',
        'unsupported_key',
        `${label} is a ${shown(record.kty)} key or misses members: signing keys are OKP Ed25519, EC P-256 or RSA`,
      ),
    );
    return { ...unusable, kid };
  }
  if (record.use === 'enc') {
    findings.push(
      finding(
        'warning',
        'encryption_key',
        `${label} is marked "use": "enc" and is skipped; a directory lists signing keys`,
      ),
    );
    return { ...unusable, kid, thumbprint };
  }
  let algorithm: string;
  try {
    algorithm = importPublicJwk(record, DIRECTORY_ALGORITHMS).algorithm;
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    findings.push(finding('error', 'weak_or_bad_key', `${label}: ${error.message}`));
    return { ...unusable, kid, thumbprint };
  }
  let usable = true;
  if (kid !== undefined && kid !== thumbprint) {
    // At the well-known URL the kid MUST be the thumbprint; at a JWKS URI it is the operator's label.
    const atWellKnown = kind === 'directory';
    usable = !atWellKnown;
    findings.push(
      atWellKnown
        ? finding(
            'error',
            'kid_mismatch',
            `${label}: kid must be the key's JWK thumbprint ${thumbprint}`,
          )
        : finding(
            'note',
            'kid_label',
            `${label}: kid is not the thumbprint; agents must sign with keyid ${thumbprint}`,
          ),
    );
  }
  // The server's own rule for taking a key from this body (parse-key-directory.ts).
  const taken = directoryKey(record, kind === 'directory') !== null;
  if (record.alg !== undefined && !taken && usable) {
    usable = false;
    findings.push(
      finding(
        'error',
        'alg_unusable',
        `${label}: alg "${shown(record.alg)}" does not name this key's algorithm (${algorithm}): the server skips the key; drop alg or say ${algorithm}`,
      ),
    );
  } else if (typeof record.alg === 'string' && !REGISTERED_ALGORITHMS.includes(record.alg)) {
    findings.push(
      finding(
        'warning',
        'alg_unregistered',
        `${label}: alg "${shown(record.alg)}" is the JOSE name, not the HTTP Message Signatures one (${algorithm}); this server accepts it, others may skip the key`,
      ),
    );
  }
  usable = usable && taken;
  const testKey = findKnownTestKey(thumbprint);
  if (testKey !== undefined) {
    usable = false;
    findings.push(
      finding(
        'error',
        'test_key',
        `${label} is a published test key (${testKey.source}): anyone can sign with it; verifiers refuse it`,
      ),
    );
  }
  usable = inspectValidity(record, label, nowMs, findings) && usable;
  return { thumbprint, kid, algorithm, usable, signedResponse: false };
}

/** JWK `nbf`/`exp` (seconds): an expired key is refused; one expiring within a week is flagged. */
function inspectValidity(
  jwk: Record<string, unknown>,
  label: string,
  nowMs: number,
  findings: Finding[],
): boolean {
  const at = (seconds: unknown) =>
    typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
  const notBefore = at(jwk.nbf);
  const expires = at(jwk.exp);
  const when = (ms: number) => new Date(ms).toISOString();
  if (expires !== undefined && expires <= nowMs) {
    findings.push(
      finding(
        'error',
        'key_expired',
        `${label} expired at ${when(expires)} (exp): remove it or publish a new key`,
      ),
    );
    return false;
  }
  if (expires !== undefined && expires - nowMs < SOON_MS) {
    findings.push(
      finding(
        'warning',
        'key_expires_soon',
        `${label} expires at ${when(expires)} (exp): publish its successor now`,
      ),
    );
  }
  if (notBefore !== undefined && notBefore > nowMs) {
    findings.push(
      finding(
        'warning',
        'key_not_yet_valid',
        `${label} is not valid before ${when(notBefore)} (nbf)`,
      ),
    );
    return false;
  }
  return true;
}
