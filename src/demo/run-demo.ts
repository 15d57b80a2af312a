import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HelpRequested, UsageError } from '../command-line/cli-errors.js';
import { parseCommandArgs, usageError } from '../command-line/parse-command-args.js';
import { askOverGrpc } from './ask-over-grpc.js';
import { askOverHttp } from './ask-over-http.js';
import { demoIssuerFlags, demoPolicy, generateDemoIdentities } from './demo-identities.js';
import { formatTable } from './print-table.js';
import { runScenarios } from './run-scenarios.js';
import { startDemoFront, startEchoUpstream } from './start-demo-front.js';

const BIN = fileURLToPath(new URL('../../bin/agent-authz.js', import.meta.url));

const DEMO = {
  command: 'demo',
  usage: `usage: npm run demo [-- --transport http|grpc]

Starts the real server (a child process on loopback ports the OS picks), an echo upstream and
an Envoy-like front, runs the demo agent's scenarios (a good agent signed and with a DPoP-bound
token, a replayed request, a stolen token, a revoked agent, a zone violation, an unsigned
request), prints what each got against what was expected, and stops everything.
Exit status: 0 when every scenario ended as expected, 1 when one did not, 2 for a bad option.
  --transport T   how the front asks agent-authz: http (default, as Envoy's http_service) or
                  grpc (as Envoy's grpc_service)
  -h, --help      show this help
`,
  options: { transport: { type: 'string', default: 'http' } },
} as const;

/** The demo's options; `--help` prints the usage and a bad option is one line and exit 2. */
function demoOptions(args: string[]): { transport: 'http' | 'grpc' } | number {
  try {
    const { transport } = parseCommandArgs(DEMO, args).values;
    if (transport !== 'http' && transport !== 'grpc') {
      throw usageError(DEMO, '--transport must be http or grpc');
    }
    return { transport };
  } catch (error) {
    if (error instanceof HelpRequested) return print(process.stdout, error.usage, 0);
    if (!(error instanceof UsageError)) throw error;
    return print(
      process.stderr,
      `npm run demo: ${error.message} (see npm run demo -- --help)\n`,
      2,
    );
  }
}

function print(stream: NodeJS.WriteStream, text: string, code: number): number {
  stream.write(text);
  return code;
}

/**
 * `npm run demo`: the compose demo's scenarios without Docker. Starts the real server (a child
 * process, loopback ports chosen by the OS), an echo upstream and an Envoy-like front calling
 * the HTTP transport (`--transport grpc`: the gRPC one), runs the scenarios, prints the table,
 * stops everything. Exit 1 when any scenario did not go as expected.
 */
async function main(): Promise<void> {
  const options = demoOptions(process.argv.slice(2));
  if (typeof options === 'number') {
    process.exitCode = options;
    return;
  }
  const { transport } = options;
  const dir = mkdtempSync(join(tmpdir(), 'agent-authz-demo-'));
  const ids = generateDemoIdentities();
  writeFileSync(join(dir, 'policy.yaml'), demoPolicy(ids));
  const server = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--listen.grpc=127.0.0.1:0',
      '--listen.http=127.0.0.1:0',
      '--listen.admin=127.0.0.1:0',
      `--policy=${join(dir, 'policy.yaml')}`,
      ...demoIssuerFlags(ids),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const servers: Server[] = [];
  const closers: Array<() => void> = [];
  try {
    const ports = await listeningPorts(server);
    const grpc = transport === 'grpc' ? askOverGrpc(`127.0.0.1:${ports.grpc}`) : undefined;
    if (grpc !== undefined) closers.push(grpc.close);
    const authorize = grpc ?? askOverHttp(`http://127.0.0.1:${ports.http}`);
    const echo = await startEchoUpstream();
    servers.push(echo);
    const front = await startDemoFront({
      authorize,
      upstreamUrl: `http://127.0.0.1:${portOf(echo)}`,
    });
    servers.push(front);
    const results = await runScenarios(`http://127.0.0.1:${portOf(front)}`, ids);
    process.stdout.write(`${formatTable(results)}\n`);
    process.exitCode = results.every((result) => result.ok) ? 0 : 1;
  } finally {
    for (const running of servers) running.close();
    for (const close of closers) close();
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The transports' ports, read from the server's start log (JSON lines on stdout). */
function listeningPorts(child: ChildProcess): Promise<{ grpc: number; http: number }> {
  const ports: { grpc?: number; http?: number } = {};
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('agent-authz did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`agent-authz exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'agent-authz listening') ports.grpc = entry.port;
        if (entry.msg === 'HTTP ext_authz listening') ports.http = entry.port;
      }
      if (ports.grpc !== undefined && ports.http !== undefined) {
        clearTimeout(timer);
        resolve({ grpc: ports.grpc, http: ports.http });
      }
    });
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

await main();
