import type { KeyObject } from 'node:crypto';
import { jwkThumbprint } from './jwk-thumbprint.js';

/** Where a known test key was published, for messages that tell an agent developer why. */
export interface KnownTestKey {
  readonly thumbprint: string;
  readonly source: string;
}

/**
 * Keys whose private halves are printed in public documents, by RFC 7638 SHA-256 thumbprint.
 * draft-ietf-webbotauth-httpsig-protocol, "Test and Demonstration Keys": "Verifiers SHOULD
 * reject known test keys when they are detected in key directories or out-of-band
 * configuration." The Web Bot Auth drafts' vectors (and Cloudflare's `web-bot-auth` package)
 * sign with the RFC 9421 Appendix B.1.2 and B.1.4 keys, so the list is the four B.1 keys.
 */
export const KNOWN_TEST_KEYS: readonly KnownTestKey[] = [
  {
    thumbprint: 'BHj8s0GPnMEQtkaULIM-PLgEhLBbuGUQ1vMxmBWZzEo',
    source: 'RFC 9421 Appendix B.1.1 (test-key-rsa)',
  },
  {
    thumbprint: 'oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA',
    source: 'RFC 9421 Appendix B.1.2 (test-key-rsa-pss), the Web Bot Auth drafts’ RSA vectors',
  },
  {
    thumbprint: 'ydQXMtvbsOsZyFir-Y7A8t7fKEM1gbKPvyFkdpu4fvI',
    source: 'RFC 9421 Appendix B.1.3 (test-key-ecc-p256)',
  },
  {
    thumbprint: 'poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U',
    source: 'RFC 9421 Appendix B.1.4 (test-key-ed25519), the Web Bot Auth drafts’ Ed25519 vectors',
  },
];

const BY_THUMBPRINT: ReadonlyMap<string, KnownTestKey> = new Map(
  KNOWN_TEST_KEYS.map((key) => [key.thumbprint, key]),
);

/** The published test key with this RFC 7638 thumbprint, if it is one. */
export function findKnownTestKey(thumbprint: string): KnownTestKey | undefined {
  return BY_THUMBPRINT.get(thumbprint);
}

/** Thumbprints already computed for imported keys (key objects are cached by the resolvers). */
const thumbprints = new WeakMap<KeyObject, string | null>();

/**
 * The published test key `key` is, if it is one. The thumbprint of each key object is computed
 * once: resolvers hand out the same imported object for the same key, so a hot key costs a map
 * lookup, not a JWK export per check.
 */
export function knownTestKeyOf(key: KeyObject): KnownTestKey | undefined {
  let thumbprint = thumbprints.get(key);
  if (thumbprint === undefined) {
    thumbprint = thumbprintOf(key);
    thumbprints.set(key, thumbprint);
  }
  return thumbprint === null ? undefined : BY_THUMBPRINT.get(thumbprint);
}

function thumbprintOf(key: KeyObject): string | null {
  try {
    return jwkThumbprint(key.export({ format: 'jwk' }) as Record<string, unknown>) ?? null;
  } catch {
    return null;
  }
}
