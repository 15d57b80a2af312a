/**
 * One page of agent ids for `HistoryStore.list`: ids after the `after` cursor (exclusive) in
 * code-unit order, at most `limit` of them, and the cursor of the next page when more remain.
 */
export function pageAgentIds(
  ids: Iterable<string>,
  options: { after?: string; limit: number },
): { ids: string[]; next?: string } {
  const after = options.after;
  const sorted = [...new Set(ids)]
    .filter((id) => after === undefined || id > after)
    .sort(compareIds);
  const page = sorted.slice(0, Math.max(0, options.limit));
  const last = page.at(-1);
  return sorted.length > page.length && last !== undefined
    ? { ids: page, next: last }
    : { ids: page };
}

/** Plain code-unit order, the order Redis ZRANGE BYLEX uses for ASCII ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
