/**
 * `npm run bench`: agent-authz under load, scenario by scenario, against floors measured in the
 * same run. Servers run pinned to core 0, the load generator to core 1. See docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchOptions, parseBenchOptions } from './bench-options.js';
import { drawCpuChart } from './draw-chart.js';
import { formatCpuTable, formatLatencyTable } from './format-report.js';
import { startGenerator } from './generator-client.js';
import { describeMachineLoad } from './machine-load.js';
import { measureWindows } from './measure-windows.js';
import { BENCH_ROOT, benchScript } from './paths.js';
import { type Placement, placedNode } from './placement.js';
import { openCheckout } from './scenarios.js';
import { setUpSharedMaterial } from './shared-material.js';
import { needsOtlpSink, planInstances, startInstance, startOtlpSink } from './start-instances.js';
import { median } from './statistics.js';
import { summarise } from './summarise.js';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`bench [${((Date.now() - started) / 1000).toFixed(1)} s]: ${line}\n`);

/** Servers (and the verify floor) on core 0, the load on core 1, when taskset can pin. */
function choosePlacements(options: BenchOptions): { server: Placement; load: Placement } {
  const pin =
    options.pin && availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
  if (options.pin && !pin) log('fewer than 2 cores or no taskset (util-linux): not pinned');
  return {
    server: { core: pin ? 0 : undefined },
    load: { core: pin ? 1 : undefined },
  };
}

/** Raw verification CPU µs per call, in a process placed like the servers. */
function measureVerify(options: BenchOptions, placement: Placement): Record<string, number> {
  const { file, args } = placedNode(placement, [
    benchScript('measure-verify'),
    String(options.verifySeconds),
  ]);
  const run = spawnSync(file, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`measure-verify failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, number>;
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), BENCH_ROOT);
  const checkouts = options.serverDirs.map(openCheckout);
  const placements = choosePlacements(options);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
  const pinned = placements.server.core !== undefined;
  log(
    `${machine}; ${describeMachineLoad()}; ${pinned ? 'servers on core 0, load on core 1' : 'not pinned'}`,
  );
  const workDir = mkdtempSync(join(tmpdir(), 'agent-authz-bench-'));
  const planned = planInstances(options, checkouts);
  const runnable = planned.filter((i) => i.unavailable === undefined);
  const verifyRuns = [measureVerify(options, placements.server)];
  const shared = await setUpSharedMaterial(workDir);
  const generator = startGenerator(placements.load);
  const sink = needsOtlpSink(runnable) ? await startOtlpSink(workDir, placements.load) : undefined;
  let measured: Awaited<ReturnType<typeof measureWindows>>;
  try {
    log(`starting ${runnable.map((i) => i.name).join(', ')}`);
    // Settle every start before going on: a failed start must not leave the others starting
    // unseen, to outlive the run once `finally` has stopped the ones already up.
    const starts = await Promise.allSettled(
      runnable.map((instance) =>
        startInstance(instance, {
          options,
          generator,
          shared,
          workDir,
          placement: placements.server,
          ...(sink === undefined ? {} : { sink }),
        }),
      ),
    );
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    measured = await measureWindows(runnable, generator, options, log);
    verifyRuns.push(measureVerify(options, placements.server));
  } finally {
    await Promise.all(runnable.map((i) => i.server?.stop()));
    await generator.exit();
    await sink?.stop();
    shared.close();
  }
  const verify = (name: string) => median(verifyRuns.map((run) => run[name]!));
  const floors = {
    'verify-ed25519': Math.min(verify('ed25519-node'), verify('ed25519-sodium')),
    'verify-p256': verify('p256-node'),
  };
  const load = describeMachineLoad();
  const results = summarise(
    measured,
    planned.filter((i) => i.unavailable !== undefined),
    floors,
  );
  const verifyLine = `raw verify, CPU µs per call: Ed25519 node:crypto ${verify('ed25519-node').toFixed(1)}, Ed25519 sodium-native ${verify('ed25519-sodium').toFixed(1)}, P-256 node:crypto ${verify('p256-node').toFixed(1)}`;
  process.stdout.write(
    `${machine}\nat the end of the run: ${load}\n${verifyLine}\n\n${formatCpuTable(results)}\n\n${formatLatencyTable(results)}\n`,
  );
  if (options.jsonFile !== undefined) {
    const report = {
      date: new Date().toISOString(),
      machine,
      load,
      // Folder names only: the JSON goes into the docs.
      options: { ...options, serverDirs: checkouts.map((checkout) => checkout.label) },
      verify: Object.fromEntries(
        ['ed25519-node', 'ed25519-sodium', 'p256-node'].map((n) => [n, verify(n)]),
      ),
      results,
    };
    writeFileSync(options.jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    const svgFile = options.jsonFile.replace(/(\.json)?$/, '.svg');
    writeFileSync(svgFile, drawCpuChart(results, `agent-authz server CPU per check (${machine})`));
    log(`wrote ${options.jsonFile} and ${svgFile}`);
  }
  if (sink !== undefined) log(readFileSync(join(workDir, 'otlp-sink.log'), 'utf8').trim());
  rmSync(workDir, { recursive: true, force: true });
  const failed = results.filter((r) => r.status === 'failed');
  for (const r of failed) log(`${r.name} did not answer as expected: ${r.note}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
