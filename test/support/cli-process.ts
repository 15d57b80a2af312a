import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** bin/agent-authz.js of this checkout (tests run it as a user would; `npm test` builds dist). */
export const BIN = fileURLToPath(new URL('../../bin/agent-authz.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `agent-authz …args` to completion and returns its exit code and output. */
export function runAgentAuthz(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface ServerProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** `127.0.0.1:<port>` the server bound. */
  readonly address: string;
  readonly port: number;
  /** Everything the server wrote to stdout so far. */
  stdout(): string;
  /** SIGTERM, then SIGKILL if still running after `waitMs`; resolves to the exit code. */
  stop(waitMs?: number): Promise<number | null>;
}

/** Every listener on a free loopback port, so tests never collide on 9191–9193. */
export const FREE_PORTS = [
  '--listen.grpc=127.0.0.1:0',
  '--listen.http=127.0.0.1:0',
  '--listen.admin=127.0.0.1:0',
];

/**
 * Starts `agent-authz serve` on a free loopback port (port 0, read back from its "listening"
 * log line) and resolves once it is listening. `bin` runs another copy of the binary (an
 * installed package's) instead of this checkout's.
 */
export async function startServerProcess(
  args: readonly string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; bin?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [options.bin ?? BIN, 'serve', ...FREE_PORTS, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    errors += chunk;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const poll = setInterval(() => {
      const port = listeningPort(output);
      if (port !== undefined) {
        clearInterval(poll);
        resolve(Number(port));
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`agent-authz serve exited ${child.exitCode}: ${errors}${output}`));
      }
    }, 20);
  });
  return {
    child,
    port,
    address: `127.0.0.1:${port}`,
    stdout: () => output,
    stop: async (waitMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), waitMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code as number | null;
    },
  };
}

/** The port in the server's "agent-authz listening" log line, once it has been written. */
function listeningPort(output: string): number | undefined {
  const line = output
    .split('\n')
    .slice(0, -1)
    .find((text) => text.includes('"agent-authz listening"'));
  return line === undefined ? undefined : (JSON.parse(line) as { port: number }).port;
}

/** `agent-authz check --server SERVER …args`: asks a running server about a request. */
export function runCheck(server: string, args: readonly string[]): Promise<CliResult> {
  return runAgentAuthz(['check', '--server', server, ...args]);
}
