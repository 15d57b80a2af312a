/**
 * `npm run soak [-- --duration 60]`: starts a real server (built dist/, free ports), measures its
 * capacity for the soak's traffic mix, then drives that mix at 70 % of it for the duration, and
 * fails (exit 1) if any request errors, any hostile request is allowed, or RSS grows more than
 * the stated bound after warm-up. See docs/performance.md#soak.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestCa } from '../test/support/test-pki.js';
import { GrpcLoad } from './drive-load.js';
import { runClosed, runOpen, type SoakTally } from './drive-soak.js';
import { BENCH_ROOT } from './paths.js';
import { processCpuSeconds, processRssBytes } from './proc-stats.js';
import { setUpSharedMaterial } from './shared-material.js';
import { createSoakTraffic } from './soak-traffic.js';
import { startServer } from './start-server.js';

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`soak [${((Date.now() - started) / 1000).toFixed(1)} s]: ${line}\n`);
const MB = 1024 * 1024;

interface SoakOptions {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly loadShare: number;
  readonly maxRssGrowthMb: number;
  readonly concurrency: number;
  readonly connections: number;
}

function parseOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string' },
      measure: { type: 'string' },
      share: { type: 'string', default: '0.7' },
      'max-rss-growth-mb': { type: 'string', default: '64' },
      concurrency: { type: 'string', default: '32' },
      connections: { type: 'string', default: '4' },
    },
  });
  const durationSeconds = positive(values.duration, 'duration');
  return {
    durationSeconds,
    // The first fifth of the run (3–15 s) warms the JIT, caches and the replay store's growth.
    warmupSeconds: values.warmup
      ? positive(values.warmup, 'warmup')
      : Math.min(15, Math.max(3, Math.round(durationSeconds / 5))),
    measureSeconds: values.measure
      ? positive(values.measure, 'measure')
      : durationSeconds < 30
        ? 3
        : 5,
    loadShare: positive(values.share, 'share'),
    maxRssGrowthMb: positive(values['max-rss-growth-mb'], 'max-rss-growth-mb'),
    concurrency: positive(values.concurrency, 'concurrency'),
    connections: positive(values.connections, 'connections'),
  };
}

function positive(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, not ${text}`);
  return value;
}

function describe(label: string, tally: SoakTally, seconds: number): string {
  const kinds = [...tally.byKind]
    .map(([kind, n]) => {
      const meanMs = (tally.latencyMsByKind.get(kind) ?? 0) / n;
      return `${kind} ${n} (mean ${meanMs.toFixed(1)} ms)`;
    })
    .join(', ');
  return `${label}: ${tally.answered} requests in ${seconds.toFixed(1)} s (${(tally.answered / seconds).toFixed(0)}/s), ${tally.errors} errors, ${tally.hostileAllowed} hostile allowed\n  ${kinds}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'agent-authz-soak-'));
  const shared = await setUpSharedMaterial(workDir);
  const other = await (await createTestCa('agent-authz soak other CA')).issue({
    commonName: 'other',
  });
  const traffic = createSoakTraffic({
    clientCertificatePem: shared.material.clientCertificatePem,
    otherCertificatePem: other.pem,
    directoryOrigin: shared.material.directoryOrigin,
    lifetimeSeconds: options.durationSeconds + options.measureSeconds + 600,
  });
  shared.publish(traffic.directoryKeys);
  const config = {
    listen: { grpc: '127.0.0.1:PORT', http: '127.0.0.1:0', admin: '127.0.0.1:0' },
    log: { level: 'warn' },
    telemetry: { decisionLog: 'off' },
    // The capacity probe is a closed loop at saturation, where a check can queue past the
    // default 140 ms deadline and be denied deadline_exceeded, as designed; the soak judges
    // answers and memory, and the deadline has its own tests (test/limits).
    limits: { checkTimeout: '3s' },
    resolver: {
      network: true,
      allowPrivateNetworks: true,
      caFile: shared.material.caFile,
      maxWait: '2s',
    },
    ...traffic.config,
  };
  const server = await startServer(
    'soak',
    { args: ['bin/agent-authz.js', 'serve'], cwd: BENCH_ROOT, config },
    { workDir, placement: { core: undefined } },
  );
  const load = new GrpcLoad(server.port, options.connections);
  try {
    const rssStart = processRssBytes(server.pid);
    log(
      `server pid ${server.pid} on 127.0.0.1:${server.port}, RSS ${(rssStart / MB).toFixed(1)} MB`,
    );
    const measured = await runClosed(load, traffic, {
      concurrency: options.concurrency,
      seconds: options.measureSeconds,
    });
    const capacity = measured.answered / options.measureSeconds;
    const rate = Math.max(1, Math.floor(capacity * options.loadShare));
    log(describe('capacity', measured, options.measureSeconds));
    log(
      `driving ${rate}/s (${options.loadShare * 100} % of ${capacity.toFixed(0)}/s) for ${options.durationSeconds} s`,
    );
    let rssWarm = Number.NaN;
    let rssPeak = rssStart;
    const soakStart = Date.now();
    const cpuStart = processCpuSeconds(server.pid);
    const ownCpuStart = process.cpuUsage();
    const soak = await runOpen(load, traffic, {
      rate,
      seconds: options.durationSeconds,
      drainMs: 30_000,
      tick: (elapsed) => {
        const rss = processRssBytes(server.pid);
        rssPeak = Math.max(rssPeak, rss);
        if (elapsed === options.warmupSeconds) rssWarm = rss;
        if (elapsed % 10 === 0) log(`${elapsed} s: RSS ${(rss / MB).toFixed(1)} MB`);
      },
    });
    const rssEnd = processRssBytes(server.pid);
    const serverCpuUs = ((processCpuSeconds(server.pid) - cpuStart) * 1e6) / soak.answered;
    const ownCpu = process.cpuUsage(ownCpuStart);
    const loadCpuUs = (ownCpu.user + ownCpu.system) / soak.answered;
    const growthMb = (rssEnd - rssWarm) / MB;
    const alive = Number.isFinite(rssEnd);
    const lines = [
      describe('soak', soak, (Date.now() - soakStart) / 1000),
      `RSS: ${(rssStart / MB).toFixed(1)} MB at start, ${(rssWarm / MB).toFixed(1)} MB after ${options.warmupSeconds} s warm-up, ${(rssEnd / MB).toFixed(1)} MB at the end (peak ${(rssPeak / MB).toFixed(1)} MB); growth after warm-up ${growthMb.toFixed(1)} MB, bound ${options.maxRssGrowthMb} MB`,
      `CPU per request: server ${serverCpuUs.toFixed(0)} µs, load generator ${loadCpuUs.toFixed(0)} µs (it signs every request)`,
      ...[...measured.problems, ...soak.problems].map((p) => `problem: ${p}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const failures = [
      measured.errors + soak.errors > 0 ? `${measured.errors + soak.errors} requests errored` : '',
      measured.hostileAllowed + soak.hostileAllowed > 0
        ? `${measured.hostileAllowed + soak.hostileAllowed} hostile requests allowed`
        : '',
      !alive ? 'the server exited' : '',
      !(growthMb <= options.maxRssGrowthMb)
        ? `RSS grew ${growthMb.toFixed(1)} MB after warm-up`
        : '',
    ].filter(Boolean);
    for (const failure of failures) log(`FAILED: ${failure}`);
    if (failures.length === 0) log('passed');
    return failures.length === 0 ? 0 : 1;
  } finally {
    load.close();
    await server.stop();
    shared.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
