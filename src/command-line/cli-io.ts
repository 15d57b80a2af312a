/** Something a command writes its output to: process.stdout, or a test's buffer. */
export interface CliOutput {
  write(chunk: string | Uint8Array): unknown;
}

/**
 * What a command reads and writes besides its arguments. The process entry passes the
 * process's own; tests pass buffers and an environment of their choosing, and run the command
 * in-process.
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * The process's streams and environment. `agent-authz check … | head -1`: a reader that went
 * away ends the command quietly, not with a stack trace.
 */
export function processIo(): CliIo {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
