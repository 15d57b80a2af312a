import type { GcWindowReport } from './watch-gc-window.js';

/** A GC window per check (bytes, µs) and per 1000 checks (GC counts), as plain text. */
export function printGcWindow(title: string, report: GcWindowReport, checks: number): void {
  const perCheck = (value: number): string => (value / checks).toFixed(1);
  const perThousand = (value: number): string => ((value * 1000) / checks).toFixed(2);
  const lines = [
    `${title}: ${checks} checks in ${report.seconds.toFixed(2)} s`,
    `  CPU µs/check: process ${perCheck(report.cpuMicros.user + report.cpuMicros.system)} ` +
      `(user ${perCheck(report.cpuMicros.user)}, system ${perCheck(report.cpuMicros.system)}); ` +
      `main thread ${perCheck(report.cpuMicros.main)}, other threads ${perCheck(report.cpuMicros.otherThreads)}`,
    `  allocated ${perCheck(report.allocatedBytes)} B/check, promoted ${perCheck(report.promotedBytes)} B/check, ` +
      `heap used at end ${(report.usedHeapBytesAtEnd / 1e6).toFixed(1)} MB, ` +
      `minor page faults ${perCheck(report.minorFaults)}/check`,
  ];
  for (const [kind, gc] of Object.entries(report.gcByKind)) {
    lines.push(
      `  ${kind}: ${perThousand(gc.count)} per 1000 checks, main thread ${perThousand(gc.mainThreadMs)} ms ` +
        `per 1000 checks (${gc.count} in all)`,
    );
  }
  const sites = report.allocationSites;
  if (sites !== undefined) {
    lines.push(`  sampled: ${perCheck(sites.totalBytes)} B/check`);
    const table = (name: string, rows: readonly [string, number][]): void => {
      lines.push(`  ${name} (B/check):`);
      for (const [label, bytes] of rows) lines.push(`    ${perCheck(bytes).padStart(9)}  ${label}`);
    };
    table('by module', sites.byModule);
    table('by nearest agent-authz caller', sites.byProjectCaller);
    table('by allocating function', sites.byFunction);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
