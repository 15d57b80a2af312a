import { P99_ALLOWANCE_MS, type ScenarioResult, TARGET_SHARE } from './summarise.js';

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

function table(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Server CPU per check at saturation, each against its floor and the 1/0.85 target. */
export function formatCpuTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => {
    if (r.status === 'n/a') return [r.name, r.note ?? 'n/a'];
    const parts = Object.entries(r.floorParts ?? {})
      .map(([name, micros]) => `${name} ${fixed(micros)}`)
      .join(' + ');
    const verdict =
      r.targetMicros === undefined || r.cpuMicrosPerCheck === undefined
        ? ''
        : r.cpuMicrosPerCheck <= r.targetMicros
          ? 'met'
          : `missed by ${fixed(r.cpuMicrosPerCheck - r.targetMicros)} µs`;
    return [
      r.status === 'failed' ? `${r.name} FAILED: ${r.note}` : r.name,
      fixed(r.checksPerSecond),
      fixed(r.cpuMicrosPerCheck, 1),
      fixed(r.serverCoreShare, 2),
      fixed(r.generatorCoreShare, 2),
      r.floorMicros === undefined ? '' : `${fixed(r.floorMicros)} (${parts})`,
      r.ratioToFloor === undefined ? '' : `${fixed(r.ratioToFloor, 2)}×`,
      fixed(r.targetMicros),
      verdict,
    ];
  });
  return table(
    [
      'scenario',
      'checks/s',
      'CPU µs/check',
      'server core',
      'gen core',
      'floor µs',
      'ratio',
      `target µs (floor/${TARGET_SHARE})`,
      '',
    ],
    rows,
  );
}

/** Latency at half of each scenario's saturation, against the no-op server at that rate. */
export function formatLatencyTable(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((r) => {
    const l = r.latency;
    if (l === undefined) return [];
    const delta = l.noopP99Ms === undefined ? undefined : l.p99Ms - l.noopP99Ms;
    return [
      [
        r.name,
        fixed(l.rate),
        fixed(l.p50Ms, 2),
        fixed(l.p90Ms, 2),
        fixed(l.p99Ms, 2),
        fixed(l.maxMs, 1),
        fixed(l.noopP99Ms, 2),
        delta === undefined
          ? ''
          : `${fixed(delta, 2)}${delta <= P99_ALLOWANCE_MS ? '' : ' (over)'}`,
        `${fixed(l.generatorLoopDelayP99Ms, 1)} / ${fixed(l.generatorLoopDelayMaxMs, 1)}`,
        fixed(r.maxRssMb, 0),
      ],
    ];
  });
  return table(
    [
      'scenario',
      'rate/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'no-op p99 ms',
      `Δp99 (≤ ${P99_ALLOWANCE_MS})`,
      'gen loop delay p99/max ms',
      'RSS MB',
    ],
    rows,
  );
}
