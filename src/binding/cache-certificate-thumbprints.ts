import { LRUCache } from 'lru-cache';

/** A certificate text in, its `x5t#S256` out (undefined when it holds no certificate). */
export type CertificateThumbprint = (certificate: string) => string | undefined;

export interface CertificateThumbprintCacheOptions {
  /** Thumbprints kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** The memory budget: the cache key is the whole certificate text. */
  readonly maxBytes: number;
}

/** Per entry besides the key: the thumbprint (43 characters) and the cache's bookkeeping. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * The thumbprint of a certificate text, computed once per distinct text (URL decoding, PEM
 * decoding and a SHA-256 of the DER on a miss; one map lookup on a hit). A workload presents the
 * same certificate on every request until it rotates, so the hit rate is near one. Texts that
 * hold no certificate are not kept; a text larger than a quarter of the budget is not kept
 * either. The function is pure, so a hit answers exactly what the computation would.
 */
export function cacheCertificateThumbprints(
  thumbprintOf: CertificateThumbprint,
  options: CertificateThumbprintCacheOptions,
): CertificateThumbprint {
  const cache = new LRUCache<string, string>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    maxEntrySize: Math.floor(options.maxBytes / 4),
    sizeCalculation: (_, certificate) => ENTRY_OVERHEAD_BYTES + 2 * certificate.length,
  });
  return (certificate) => {
    const cached = cache.get(certificate);
    if (cached !== undefined) return cached;
    const thumbprint = thumbprintOf(certificate);
    if (thumbprint !== undefined) cache.set(certificate, thumbprint);
    return thumbprint;
  };
}
