import type { IncomingHttpHeaders } from 'node:http';
import { freshnessMs, type TtlBounds } from '../../keys/fetch/cache-freshness.js';
import { type Finding, finding, shown } from './directory-report.js';

const DAY_S = 86_400;

/**
 * Cache-Control as a verifier reads it. The drafts ask verifiers to cache directories and
 * refresh when stale; the directory's lifetime bounds how long a removed key keeps verifying.
 */
export function inspectCacheHeaders(
  headers: Readonly<IncomingHttpHeaders>,
  bounds: TtlBounds,
): Finding[] {
  const cacheControl = headers['cache-control'];
  const kept = Math.round(freshnessMs(cacheControl, bounds) / 1000);
  if (cacheControl === undefined || cacheControl.trim() === '') {
    return [
      finding(
        'warning',
        'cache_control_missing',
        `no Cache-Control header: verifiers guess how long to keep the keys (this server: ${kept} s); send e.g. Cache-Control: max-age=3600`,
      ),
    ];
  }
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());
  const maxAge = directives
    .map((d) => /^(?:s-)?max-age=(\d+)$/.exec(d)?.[1])
    .find((v) => v !== undefined);
  const findings: Finding[] = [];
  if (directives.some((d) => d === 'no-store' || d === 'no-cache') || maxAge === '0') {
    findings.push(
      finding(
        'warning',
        'cache_control_uncacheable',
        `Cache-Control: ${shown(cacheControl)} asks verifiers to fetch the directory for every request; they will not (this server keeps it ${kept} s); send a max-age instead`,
      ),
    );
  } else if (maxAge === undefined) {
    findings.push(
      finding(
        'warning',
        'cache_control_no_max_age',
        `Cache-Control: ${shown(cacheControl)} has no max-age: verifiers guess how long to keep the keys (this server: ${kept} s)`,
      ),
    );
  } else if (Number(maxAge) > 7 * DAY_S) {
    findings.push(
      finding(
        'warning',
        'cache_control_long',
        `Cache-Control max-age=${maxAge} lets a removed key keep verifying for more than a week at verifiers that honour it (this server caps it at ${kept} s)`,
      ),
    );
  } else {
    findings.push(
      finding(
        'note',
        'cache_lifetime',
        `this server would keep the keys ${kept} s before asking again (Cache-Control: ${shown(cacheControl)})`,
      ),
    );
  }
  return findings;
}
