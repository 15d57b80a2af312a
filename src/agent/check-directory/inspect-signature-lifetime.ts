import type { IncomingHttpHeaders } from 'node:http';
import { freshnessMs, type TtlBounds } from '../../keys/fetch/cache-freshness.js';
import { type Finding, finding } from './directory-report.js';

/** Cache-Control read without any verifier's bounds: what the directory itself asks. */
const UNBOUNDED: TtlBounds = { minMs: 0, maxMs: Number.MAX_SAFE_INTEGER };

/**
 * A directory response signature proves possession of a key only until its `expires`, while
 * verifiers keep the directory for its Cache-Control lifetime (this server: clamped to
 * `resolver.cacheTtl`). When the signature ends first, a cached copy stops proving its keys
 * part-way: a policy with requireSignedDirectory refuses them until the directory is fetched
 * again — here at the signature's `expires`, but never sooner than `cacheTtl.min`.
 */
export function inspectSignatureLifetime(
  headers: Readonly<IncomingHttpHeaders>,
  signedUntil: ReadonlyMap<string, number>,
  nowMs: number,
  bounds: TtlBounds,
): Finding[] {
  if (signedUntil.size === 0) return [];
  // `expires` is in whole seconds: a signature made for the max-age in the second of the fetch
  // has that long left, less a fraction.
  const remainingS = Math.ceil((Math.min(...signedUntil.values()) - nowMs) / 1000);
  const askedS = Math.round(freshnessMs(headers['cache-control'], UNBOUNDED) / 1000);
  const keptS = Math.round(freshnessMs(headers['cache-control'], bounds) / 1000);
  const cacheS = Math.max(askedS, keptS);
  if (remainingS >= cacheS) return [];
  const refetchS = Math.max(remainingS, Math.round(bounds.minMs / 1000));
  return [
    finding(
      'warning',
      'signature_shorter_than_cache',
      `the response signature expires ${remainingS} s after this fetch, but verifiers may keep the directory ${cacheS} s: past ${remainingS} s a cached copy no longer proves its keys (requireSignedDirectory refuses them; this server fetches the directory again after ${refetchS} s); sign for at least the Cache-Control max-age`,
    ),
  ];
}
