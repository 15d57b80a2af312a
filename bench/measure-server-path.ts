/**
 * The per-call cost of a gRPC server in one process, for counting: the server runs here, its
 * client in a child process, so `valgrind --tool=callgrind` (which does not follow children)
 * counts only the server's side of each call.
 *
 *   node dist-bench/bench/measure-server-path.js KIND [--checks N] [--warm W]
 *     [--server native|grpc-js|floor] [--engine canned|real] [--in-flight C] [config flags…]
 *
 * `--server floor` is bench/noop-http2-server's constant answer on a bare node:http2 server:
 * the floor in instructions of any server over node:http2. `--engine canned` (the default)
 * runs the engine composed by src/app/compose-check.ts once, on the first request, and answers
 * every later call with that decision, so what is counted is the transport: HTTP/2, framing,
 * decode, toAuthzRequest, toCheckResponse, encode. `--engine real` runs it on every call.
 * The child makes W + N requests of KIND (bench/make-requests.ts), framed before the first is
 * sent, and keeps C calls (default 16) in flight over one HTTP/2 connection, as Envoy
 * multiplexes its checks. Instructions per call are (I(W, N2) − I(W, N1)) / (N2 − N1)
 * (bench/count-server-instructions.sh). It prints the process CPU per measured call; every
 * call must end `grpc-status: 0` with an ok_response (except on the floor, which sends one).
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { composeCheck } from '../src/app/compose-check.js';
import { loadConfig } from '../src/config/load-config.js';
import type { Decision } from '../src/decision/decision.js';
import { createSteadyClock } from '../src/lib/steady-clock.js';
import type { CheckEngine } from '../src/transport/grpc/answer-check.js';
import { startGrpcTransport } from '../src/transport/grpc/grpc-server.js';
import { answerConstantOk } from './answer-constant-ok.js';
import { markWindowEdge, numberOption } from './harness-options.js';
import { runServerPathClient } from './server-path-client.js';

type ServerKind = 'native' | 'grpc-js' | 'floor';
type EngineKind = 'canned' | 'real';

const args = process.argv.slice(2);
if (args[0] === '--client') await runServerPathClient(args.slice(1));
else await measure(args);

async function measure(argv: readonly string[]): Promise<void> {
  const kind = argv[0] ?? '';
  const checks = numberOption(argv, '--checks', 5000);
  const warm = numberOption(argv, '--warm', 3000);
  const inFlight = numberOption(argv, '--in-flight', 16);
  const server = choiceOption<ServerKind>(argv, '--server', ['native', 'grpc-js', 'floor']);
  const engine = choiceOption<EngineKind>(argv, '--engine', ['canned', 'real']);
  const flags = argv.slice(1).filter((a, i, all) => !isOption(a) && !isOption(all[i - 1] ?? ''));
  const dir = mkdtempSync(join(tmpdir(), 'server-path-'));
  const client = spawn(
    process.execPath,
    [fileURLToPath(import.meta.url), '--client', kind, String(warm), String(checks), dir],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readLines(client);
  await lines.next('ready');
  const config = loadConfig({
    file: join(dir, 'config.json'),
    env: {},
    flags: ['--log.level=warn', `--telemetry.decision-log=${join(dir, 'decisions.log')}`, ...flags],
  });
  const composed = await composeCheck(config, {
    logger: pino({ level: 'warn' }),
    clock: createSteadyClock({}),
  });
  const listener = await listen(
    server,
    engine === 'real' ? composed.check : canned(composed.check),
  );
  client.stdin.write(`${listener.port} ${inFlight} ${server === 'floor' ? 'any' : 'ok'}\n`);
  await lines.next('warm');
  markWindowEdge();
  const cpuBefore = process.cpuUsage();
  const outcome = await lines.next('done');
  const cpu = process.cpuUsage(cpuBefore);
  markWindowEdge();
  await listener.close();
  await composed.close();
  client.stdin.end();
  rmSync(dir, { recursive: true, force: true });
  const per = (micros: number): string => (micros / checks).toFixed(1);
  process.stdout.write(
    `${kind} ${server} engine ${engine}: ${checks} calls after ${warm} warm-up, ${inFlight} in ` +
      `flight; CPU ${per(cpu.user + cpu.system)} µs/call (user ${per(cpu.user)}, system ` +
      `${per(cpu.system)})\n`,
  );
  if (outcome !== 'done 0') {
    process.stderr.write(`client: ${outcome}\n`);
    process.exit(1);
  }
}

/** The engine run once, on the first request; every later call gets that decision. */
function canned(check: CheckEngine): CheckEngine {
  let first: Promise<Decision> | undefined;
  return (request, traceId) => {
    first ??= check(request, traceId);
    return first;
  };
}

interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

async function listen(server: ServerKind, check: CheckEngine): Promise<Listening> {
  if (server !== 'floor') {
    const transport = await startGrpcTransport('127.0.0.1:0', check, { server });
    return { port: transport.port, close: () => transport.drain({ delayMs: 0, timeoutMs: 2000 }) };
  }
  const floor = createServer();
  floor.on('stream', answerConstantOk);
  await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve));
  return {
    port: (floor.address() as AddressInfo).port,
    close: () => new Promise((resolve) => floor.close(() => resolve())),
  };
}

/** The child's stdout as lines; `next(prefix)` resolves with the first unread line starting so. */
function readLines(child: ChildProcessByStdio<Writable, Readable, null>): {
  next(prefix: string): Promise<string>;
} {
  let buffered = '';
  const unread: string[] = [];
  let wake = (): void => {};
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`client exited ${code}`))),
  );
  exited.catch(() => {});
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    unread.push(...lines);
    wake();
  });
  const next = async (prefix: string): Promise<string> => {
    for (;;) {
      const at = unread.findIndex((line) => line.startsWith(prefix));
      if (at !== -1) return unread.splice(at, 1)[0] as string;
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
    }
  };
  return { next };
}

function isOption(arg: string): boolean {
  return ['--checks', '--warm', '--in-flight', '--server', '--engine'].includes(arg);
}

function choiceOption<T extends string>(argv: readonly string[], name: string, choices: T[]): T {
  const at = argv.indexOf(name);
  if (at === -1) return choices[0] as T;
  const value = argv[at + 1] as T;
  if (!choices.includes(value)) throw new Error(`${name}: one of ${choices.join(', ')}`);
  return value;
}
