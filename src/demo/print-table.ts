import type { ScenarioResult } from './run-scenarios.js';

/** The scenario results as a plain-text table, one row per scenario. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = [
    ['scenario', 'expected', 'got', ''],
    ...results.map((r) => [r.scenario, r.expected, r.got, r.ok ? 'ok' : 'UNEXPECTED']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}
