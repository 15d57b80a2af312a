import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { type Placement, placedNode } from './placement.js';

/** A server under test, running in its own process. */
export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export interface ServerCommand {
  /** Node arguments and script arguments; PORT in them is replaced by the gRPC port. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** Written as `config.json` beside the log; PORT likewise replaced. */
  readonly config?: Record<string, unknown>;
}

/** Runs `node …args` pinned as asked, logs to `<workDir>/<name>.log`. */
export async function startServer(
  name: string,
  command: ServerCommand,
  options: { workDir: string; placement: Placement },
): Promise<ServerProcess> {
  const port = await freePort();
  const withPort = (text: string) => text.replaceAll('PORT', String(port));
  const args = command.args.map(withPort);
  if (command.config !== undefined) {
    const file = join(options.workDir, `${name}.config.json`);
    writeFileSync(file, withPort(JSON.stringify(command.config, null, 2)));
    args.push('--config', file);
  }
  const logFile = join(options.workDir, `${name}.log`);
  const log = openSync(logFile, 'w');
  const placed = placedNode(options.placement, args);
  const child = spawn(placed.file, placed.args, { cwd: command.cwd, stdio: ['ignore', log, log] });
  await waitForPort(port, child, logFile);
  return { pid: child.pid!, port, stop: () => stopChild(child) };
}

/** A port the kernel says is free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, logFile: string): Promise<void> {
  // Generous: on a loaded machine several servers starting on one core take a while.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
  throw new Error(`server did not listen on ${port}:\n${tail}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
