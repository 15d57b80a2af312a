export interface TtlBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * How long a fetched document stays fresh: RFC 9111 `s-maxage`, else `max-age`, clamped to the
 * configured bounds. `no-store`, `no-cache` and a missing or unreadable header give the minimum:
 * the authorizer must hold a document a little while or every check would refetch it.
 */
export function freshnessMs(cacheControl: string | undefined, bounds: TtlBounds): number {
  const directives = new Map<string, string | undefined>();
  for (const part of (cacheControl ?? '').split(',')) {
    const [name, value] = part.trim().split('=', 2) as [string, string | undefined];
    if (name !== '') directives.set(name.toLowerCase(), value?.replace(/^"|"$/g, ''));
  }
  if (directives.has('no-store') || directives.has('no-cache')) return bounds.minMs;
  const seconds =
    deltaSeconds(directives.get('s-maxage')) ?? deltaSeconds(directives.get('max-age'));
  if (seconds === undefined) return bounds.minMs;
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, seconds * 1000));
}

/** RFC 9111 §1.2.2: delta-seconds is one or more digits. */
function deltaSeconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}
