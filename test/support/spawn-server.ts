import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createEnvoyClient, type EnvoyClient } from './envoy-client.js';

/** `agent-authz serve` in a child process of its own, as a replica runs. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly address: string;
  readonly client: EnvoyClient;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM by pid; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The HTTP and admin listeners on free loopback ports, so tests never collide on 9192/9193. */
const OTHER_LISTENERS = ['--listen.http=127.0.0.1:0', '--listen.admin=127.0.0.1:0'];

/**
 * Starts `bin/agent-authz.js serve ARGS` and waits until `listening` lines have been logged
 * `expectListening` times (one per worker). With `--listen.grpc=…:0` the port is read from the log.
 */
export async function spawnServer(
  args: string[],
  options: { expectListening?: number; port?: number } = {},
): Promise<ServerProcess> {
  const listen = `--listen.grpc=127.0.0.1:${options.port ?? 0}`;
  const child = spawn(
    process.execPath,
    ['bin/agent-authz.js', 'serve', listen, ...OTHER_LISTENERS, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const wanted = options.expectListening ?? 1;
  const deadline = Date.now() + 20_000;
  while (listeningPorts(output).length < wanted) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const address = `127.0.0.1:${listeningPorts(output)[0]}`;
  const client = createEnvoyClient(address);
  return {
    child,
    address,
    client,
    output: () => output,
    stop: async () => {
      client.close();
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** The ports of the `agent-authz listening` log lines. */
export function listeningPorts(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"agent-authz listening"'))
    .map((line) => (JSON.parse(line) as { port: number }).port);
}
