import { AuthzError } from '../errors.js';
import type { VerifiedToken } from '../proofs/verified-token.js';
import { cacheCertificateThumbprints } from './cache-certificate-thumbprints.js';
import { peerCertificateThumbprint } from './certificate-thumbprint.js';

/**
 * Client certificates seen recently, by their text as Envoy sends it: 1 000 entries or 8 MiB,
 * far more than the workloads one replica serves (a certificate is 1–4 KB).
 */
const thumbprintOf = cacheCertificateThumbprints(peerCertificateThumbprint, {
  maxEntries: 1000,
  maxBytes: 8 * 1024 * 1024,
});

/**
 * RFC 9449 §6.1: a DPoP token's `cnf.jkt` must be the thumbprint of the key that made the proof.
 * A `cnf` that also names a certificate (`x5t#S256`) binds the token to both: every confirmation
 * member present must hold (RFC 7800 §3.1 defines each member as a key the presenter must
 * prove), so the client certificate Envoy saw must match as well.
 */
export function checkKeyBinding(
  token: VerifiedToken,
  proofThumbprint: string,
  peerCertificate: string,
): void {
  const { jkt, x5tS256 } = token.confirmation;
  if (jkt === undefined) {
    throw new AuthzError('binding_mismatch', 'the token is not bound to a DPoP key (no cnf.jkt)');
  }
  if (jkt !== proofThumbprint) {
    throw new AuthzError(
      'binding_mismatch',
      'the DPoP proof key is not the key the token is bound to',
    );
  }
  if (x5tS256 !== undefined) checkCertificate(x5tS256, peerCertificate);
}

/**
 * RFC 8705 §3: a Bearer token's `cnf.x5t#S256` must be the thumbprint of the client certificate
 * Envoy saw. A DPoP-bound token sent as Bearer is refused (RFC 9449 §7.2), and so is an unbound
 * token unless `requireBinding` is off. Returns the certificate thumbprint when there is a binding.
 */
export function checkCertificateBinding(
  token: VerifiedToken,
  peerCertificate: string,
  requireBinding: boolean,
): string | undefined {
  const { jkt, x5tS256 } = token.confirmation;
  if (jkt !== undefined) {
    throw new AuthzError(
      'binding_mismatch',
      'a DPoP-bound token must be sent with the DPoP scheme',
    );
  }
  if (x5tS256 === undefined) {
    if (requireBinding) {
      throw new AuthzError(
        'binding_mismatch',
        'the token is not bound to a key or certificate (cnf)',
      );
    }
    return undefined;
  }
  return checkCertificate(x5tS256, peerCertificate);
}

function checkCertificate(x5tS256: string, peerCertificate: string): string {
  const presented = thumbprintOf(peerCertificate);
  if (presented === undefined) {
    throw new AuthzError(
      'binding_mismatch',
      'the token is bound to a client certificate and none was presented',
    );
  }
  if (presented !== x5tS256) {
    throw new AuthzError(
      'binding_mismatch',
      'the client certificate is not the one the token is bound to',
    );
  }
  return presented;
}
