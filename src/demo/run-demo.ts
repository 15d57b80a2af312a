import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoIssuerFlags, demoPolicy, generateDemoIdentities } from './demo-identities.js';
import { formatTable } from './print-table.js';
import { runScenarios } from './run-scenarios.js';
import { startDemoFront, startEchoUpstream } from './start-demo-front.js';

const BIN = fileURLToPath(new URL('../../bin/agent-authz.js', import.meta.url));

/**
 * `npm run demo`: the compose demo's scenarios without Docker. Starts the real server (a child
 * process, loopback ports chosen by the OS), an echo upstream and an Envoy-like front calling
 * the HTTP transport, runs the scenarios, prints the table, stops everything. Exit 1 when any
 * scenario did not go as expected.
 */
async function main(): Promise<void> {
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
      `--policy=${join(dir, 'policy.yaml')}`,
      ...demoIssuerFlags(ids),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const servers: Server[] = [];
  try {
    const httpPort = await httpPortOf(server);
    const echo = await startEchoUpstream();
    servers.push(echo);
    const front = await startDemoFront({
      checkUrl: `http://127.0.0.1:${httpPort}`,
      upstreamUrl: `http://127.0.0.1:${portOf(echo)}`,
    });
    servers.push(front);
    const results = await runScenarios(`http://127.0.0.1:${portOf(front)}`, ids);
    process.stdout.write(`${formatTable(results)}\n`);
    process.exitCode = results.every((result) => result.ok) ? 0 : 1;
  } finally {
    for (const running of servers) running.close();
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The HTTP transport's port, read from the server's start log (JSON lines on stdout). */
function httpPortOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('agent-authz did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`agent-authz exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n')) {
        if (!line.includes('HTTP ext_authz listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

await main();
