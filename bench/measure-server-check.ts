/**
 * One agent-authz server (`node bin/agent-authz.js serve`, configured as the bench configures
 * it: gRPC on 127.0.0.1, log at warn, the decision log on stdout into the server's log file)
 * under a bounded closed loop from this process, and what it paid over the measured checks:
 *
 *   node dist-bench/bench/measure-server-check.js KIND [--checks N] [--warm W]
 *        [--concurrency C] [--connections K] [--node-arg ARG]... [--sample BYTES]
 *        [--callgrind] [--strace] [--keep] [-- server config flags…]
 *
 * Always: CPU per check (user/system, main thread/other threads), GC counts and main-thread
 * ms per 1000 checks, bytes allocated and promoted per check (gc-window-preload.ts inside the
 * server). `--sample BYTES`: allocation sites. `--callgrind`: the server runs under valgrind's
 * callgrind and the instructions of the measured checks (every thread) are printed.
 * `--strace`: `strace -c -f` is attached for the measured checks only; its table is printed.
 * `--keep` keeps the server's log (with `--node-arg=--trace-gc-nvp`, V8's GC lines). Every
 * request is unique; every 16th answer is decoded and must be an OK.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeCheckFrame } from './check-messages.js';
import { GrpcLoad, runClosedLoop } from './drive-load.js';
import { prepareRequests, type RequestKind } from './make-requests.js';
import { benchScript } from './paths.js';
import { printGcWindow } from './print-gc-window.js';
import { listenerNames, openCheckout } from './scenarios.js';
import { setUpSharedMaterial } from './shared-material.js';
import { freePort } from './start-server.js';
import type { GcWindowReport } from './watch-gc-window.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    checks: { type: 'string', default: '5000' },
    warm: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '48' },
    connections: { type: 'string', default: '2' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    sample: { type: 'string' },
    callgrind: { type: 'boolean', default: false },
    strace: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const [kind, ...configFlags] = positionals as [RequestKind, ...string[]];
const checks = Number(values.checks);
const warm = Number(values.warm);

const dir = mkdtempSync(join(tmpdir(), 'server-check-'));
const shared = await setUpSharedMaterial(dir);
const prepared = prepareRequests(kind, shared.material);
shared.publish(prepared.directoryKeys);
// Signed as they are sent (warm-up) or just before (the measured checks): under callgrind the
// server takes minutes to start and to warm up, longer than a signature stays fresh.
const signNow = (count: number): Buffer[] =>
  Array.from({ length: count }, () => encodeCheckFrame(prepared.next()));
const signAsSent = (count: number): Iterator<Buffer> => {
  let left = count;
  return {
    next: () =>
      left-- > 0
        ? { done: false, value: encodeCheckFrame(prepared.next()) }
        : { done: true, value: undefined },
  };
};

const port = await freePort();
const listen: Record<string, string> = {};
for (const name of listenerNames(openCheckout(process.cwd()))) {
  listen[name] = name === 'grpc' ? `127.0.0.1:${port}` : '127.0.0.1:0';
}
const configFile = join(dir, 'config.json');
writeFileSync(configFile, JSON.stringify({ ...prepared.config, listen, log: { level: 'warn' } }));
const windowFile = join(dir, 'gc-window.json');
const callgrindFile = join(dir, 'callgrind.out');
const server = startServer();
// A failed run must not leave its server behind.
process.on('exit', () => server.exitCode === null && server.kill('SIGKILL'));
await waitForPort(server);

const load = new GrpcLoad(port, Number(values.connections));
const drive = async (frames: Iterator<Buffer>): Promise<void> => {
  const tally = await runClosedLoop(load, frames, {
    concurrency: Number(values.concurrency),
    seconds: 1e9,
    sampleEvery: 16,
  });
  if (tally.failed + tally.denied > 0) throw new Error(`not all allowed: ${tally.firstProblem}`);
};
await drive(signAsSent(warm));
const measured = signNow(checks);

server.kill('SIGUSR2');
await waitFor(() => existsSync(`${windowFile}.started`), 'the GC window to open');
if (values.callgrind) callgrindControl('--zero');
const strace = values.strace ? await attachStrace() : undefined;
await drive(measured.values());
const straceTable = strace === undefined ? undefined : await detachStrace(strace);
const instructions = values.callgrind ? callgrindControl('--dump') : undefined;
server.kill('SIGUSR2');
await waitFor(() => existsSync(windowFile), 'the GC window report');

const report = JSON.parse(readFileSync(windowFile, 'utf8')) as GcWindowReport;
printGcWindow(`${kind} on the server`, report, checks);
if (instructions !== undefined) {
  process.stdout.write(
    `  instructions (callgrind, all threads): ${Math.round(instructions / checks)} per check\n`,
  );
}
if (straceTable !== undefined)
  process.stdout.write(`  strace -c -f over the measured checks:\n${straceTable}`);
load.close();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
shared.close();
if (values.keep) process.stdout.write(`  kept: ${dir} (server.log, config.json)\n`);
else rmSync(dir, { recursive: true, force: true });

function startServer(): ChildProcess {
  const node = [
    process.execPath,
    '--import',
    benchScript('gc-window-preload'),
    ...(values['node-arg'] ?? []),
    'bin/agent-authz.js',
    'serve',
    '--config',
    configFile,
    ...configFlags,
  ];
  const wrapper = values.callgrind
    ? ['valgrind', '--tool=callgrind', `--callgrind-out-file=${callgrindFile}`, '--dump-instr=no']
    : [];
  const [file, ...args] = [...wrapper, ...node];
  const log = openSync(join(dir, 'server.log'), 'w');
  const env = {
    ...process.env,
    GC_WINDOW_OUT: windowFile,
    ...(values.sample === undefined ? {} : { GC_WINDOW_SAMPLE: values.sample }),
  };
  return spawn(file!, args, { stdio: ['ignore', log, log], env });
}

async function waitForPort(child: ChildProcess): Promise<void> {
  const probe = (): boolean => {
    try {
      execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  // Under callgrind on a busy machine, start-up takes minutes.
  await waitFor(() => child.exitCode === null && probe(), 'the server to listen', 1_200_000);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline || server.exitCode !== null) {
      throw new Error(
        `gave up waiting for ${what}:\n${readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `--zero` or `--dump`; a dump returns the instructions counted since the zero. */
function callgrindControl(command: '--zero' | '--dump'): number {
  execFileSync('callgrind_control', [command, String(server.pid)], { stdio: 'ignore' });
  if (command === '--zero') return 0;
  const dumps = readdirSync(dir).filter((name) => name.startsWith('callgrind.out.'));
  const latest = dumps
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .pop();
  const text = readFileSync(join(dir, latest ?? 'callgrind.out'), 'utf8');
  return Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function attachStrace(): Promise<{ child: ChildProcess; file: string }> {
  const file = join(dir, 'strace.txt');
  const child = spawn('strace', ['-c', '-f', '-o', file, '-p', String(server.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let attached = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    attached += chunk.toString();
  });
  await waitFor(() => attached.includes('attached'), 'strace to attach');
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { child, file };
}

async function detachStrace(strace: { child: ChildProcess; file: string }): Promise<string> {
  const exited = new Promise((resolve) => strace.child.once('exit', resolve));
  strace.child.kill('SIGINT');
  await exited;
  return readFileSync(strace.file, 'utf8');
}
