import { afterAll, vi } from 'vitest';

/**
 * How many cases a property runs: its default (kept small so the suite stays quick), or
 * `FAST_CHECK_RUNS` when set, e.g. `FAST_CHECK_RUNS=10000 npx vitest run test/property`.
 */
export function runs(defaultRuns: number): number {
  // Raised counts take their time: lift the per-test timeout with them.
  if (process.env.FAST_CHECK_RUNS !== undefined) vi.setConfig({ testTimeout: 1_800_000 });
  const asked = Number(process.env.FAST_CHECK_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : defaultRuns;
}

export interface Tally {
  /** One generated input checked against the properties; `outcome` is its reason or `allow`. */
  countCase(outcome?: string): void;
  /** One changed copy of a valid request checked to be denied. */
  countMutation(): void;
}

/** Counts what a test file ran and prints the totals after it: the figures the docs quote. */
export function useTally(label: string): Tally {
  const counts = { cases: 0, mutations: 0 };
  const outcomes = new Map<string, number>();
  afterAll(() => {
    const parts = [
      counts.cases > 0 ? `${counts.cases} property cases` : '',
      counts.mutations > 0 ? `${counts.mutations} mutations` : '',
    ].filter(Boolean);
    const seen = [...outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`);
    console.log(
      `${label}: ${parts.join(', ')} ran${seen.length > 0 ? ` (${seen.join(', ')})` : ''}`,
    );
  });
  return {
    countCase: (outcome) => {
      counts.cases += 1;
      if (outcome !== undefined) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    },
    countMutation: () => {
      counts.mutations += 1;
    },
  };
}
