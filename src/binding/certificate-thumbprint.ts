import { createHash } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/**
 * RFC 8705 §3.1 `x5t#S256`: base64url(SHA-256(DER)) of the first certificate in a PEM text.
 * Undefined when the text holds no PEM certificate.
 */
export function pemCertificateThumbprint(pem: string): string | undefined {
  const body = PEM_CERTIFICATE.exec(pem)?.[1];
  if (body === undefined) return undefined;
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (der.length === 0) return undefined;
  return createHash('sha256').update(der).digest('base64url');
}

/**
 * The thumbprint of the client certificate Envoy reports in `attributes.source.certificate`
 * (`include_peer_certificate: true`): the leaf certificate as URL-encoded PEM.
 */
export function peerCertificateThumbprint(urlEncodedPem: string): string | undefined {
  if (urlEncodedPem === '') return undefined;
  try {
    return pemCertificateThumbprint(decodeURIComponent(urlEncodedPem));
  } catch {
    return undefined;
  }
}
