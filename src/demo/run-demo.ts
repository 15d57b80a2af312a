import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { askOverGrpc } from './ask-over-grpc.js';
import { askOverHttp } from './ask-over-http.js';
import { demoIssuerFlags, demoPolicy, generateDemoIdentities } from './demo-identities.js';
import { formatTable } from './print-table.js';
import { runScenarios } from './run-scenarios.js';
import { startDemoFront, startEchoUpstream } from './start-demo-front.js';

const BIN = fileURLToPath(new URL('../../bin/agent-authz.js', import.meta.url));

/**
 * `npm run demo`: the compose demo's scenarios without Docker. Starts the real server (a child
 * process, loopback ports chosen by the OS), an echo upstream and an Envoy-like front calling
 * the HTTP transport (`--transport grpc`: the gRPC one), runs the scenarios, prints the table, stops everything. Exit 1 when any
 * scenario did not go as expected.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { transport: { type: 'string', default: 'http' } } });
  const transport = values.transport;
  if (transport !== 'http' && transport !== 'grpc')
    throw new Error('--transport must be http or grpc');
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
