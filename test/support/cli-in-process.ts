import { runAgentAuthz } from '../../src/command-table.js';

export interface InProcessResult {
  readonly code: number;
  /** Whether the command failed (the binary would then exit at once with `code`). */
  readonly failed: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Text written to a stream, collected. */
function collector(): { write(chunk: string | Uint8Array): boolean; text(): string } {
  const chunks: Buffer[] = [];
  return {
    write(chunk) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * `agent-authz …argv` run in this process through the CLI's own entry (the command table and
 * dispatcher bin/agent-authz.js runs), with its output collected and only `env` as its
 * environment. For every command that does not start a server; `serve` runs as a process.
 */
export async function runCliInProcess(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<InProcessResult> {
  const stdout = collector();
  const stderr = collector();
  const { code, failed } = await runAgentAuthz(argv, { stdout, stderr, env });
  return { code, failed, stdout: stdout.text(), stderr: stderr.text() };
}
