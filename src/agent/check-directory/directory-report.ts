/**
 * What the directory checker found. `error`: a verifier refuses the directory or a key in it;
 * `warning`: it works here, but breaks elsewhere or later; `note`: worth knowing, nothing to fix.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  readonly severity: Severity;
  /** Stable, for scripts reading `--json`: `status`, `media_type`, `kid_mismatch`, … */
  readonly code: string;
  /** One sentence in plain words, saying what to change where there is something to change. */
  readonly message: string;
}

/** What is fetched for each kind of target. */
export type TargetKind = 'directory' | 'jwks' | 'did-web';

/** One key as the checker saw it. */
export interface CheckedKey {
  /** RFC 7638 thumbprint, when the key type has one. */
  readonly thumbprint: string | undefined;
  readonly kid: string | undefined;
  /** `ed25519`, `ecdsa-p256-sha256`, `rsa-pss-sha512`; undefined when the key is unusable. */
  readonly algorithm: string | undefined;
  /** Whether this server would use the key to verify a request. */
  readonly usable: boolean;
  /** Whether a valid directory response signature by this key came with the response. */
  readonly signedResponse: boolean;
}

export interface DirectoryCheckReport {
  /** As given: an origin, a directory URL, a JWKS URI or a did:web DID. */
  readonly target: string;
  readonly kind: TargetKind;
  /** The URL fetched. */
  readonly url: string;
  readonly fetched: boolean;
  readonly keys: readonly CheckedKey[];
  readonly findings: readonly Finding[];
  /** No error and no warning. */
  readonly clean: boolean;
}

export function finding(severity: Severity, code: string, message: string): Finding {
  return { severity, code, message };
}

/**
 * A value taken from the fetched document or its headers, fit to print: the document is
 * hostile, so control characters (a terminal escape, a forged line) become `?` and the value is
 * cut at 100 characters.
 */
export function shown(value: unknown): string {
  const text = String(value).replace(/[^\x20-\x7e]/g, '?');
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
