/** Exit status of a command line that cannot be used, or a command that could not do its work. */
export const EXIT_FAILED = 2;

/** A bad command line: printed as `agent-authz <command>: <message> (see … --help)`, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly command: string;
  constructor(command: string, message: string) {
    super(message);
    this.command = command;
  }
}

/** `--help` / `-h` was given: the usage goes to stdout and the exit status is 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  readonly usage: string;
  constructor(usage: string) {
    super('help requested');
    this.usage = usage;
  }
}

/**
 * A command that could not do its work, as one line for its user:
 * `agent-authz <command>: <message>; <hint>`. The message says what was wrong in the user's
 * terms (a file, a host, a port), the hint what to try. Third-party errors are translated into
 * one at the command's boundary; their text never reaches the user raw.
 */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(
    message: string,
    options: { readonly hint?: string; readonly exitCode?: number; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_FAILED;
  }
}
