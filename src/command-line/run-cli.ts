import { readFileSync } from 'node:fs';
import { HelpRequested, UsageError } from './parse-command-args.js';

/**
 * A command: its arguments in; a number (or a promise of one) is its exit code, anything else
 * means 0, or keep running while handles are open (serve).
 */
export type Command = (args: string[]) => unknown;

/** Exit code of a command line or configuration that cannot be used. */
export const EXIT_USAGE = 2;

/**
 * Dispatches `agent-authz <command> …`: no command prints the usage on stderr and exits 2;
 * `--help` prints it on stdout; `--version` prints the package version; a command's error is one
 * line `agent-authz <command>: <message>` on stderr and exit 2.
 */
export async function runCli(
  commands: Readonly<Record<string, Command>>,
  usage: string,
  argv: readonly string[],
): Promise<void> {
  exitQuietlyOnBrokenStdout();
  const [name, ...args] = argv;
  if (name === undefined) return fail(usage);
  if (name === '--help' || name === '-h' || name === 'help') return print(usage);
  if (name === '--version' || name === 'version') return print(`${packageVersion()}\n`);
  const command = commands[name];
  if (command === undefined) {
    return fail(
      `agent-authz: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n\n${usage}`,
    );
  }
  try {
    const code = await command(args);
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    if (error instanceof HelpRequested) return print(error.usage);
    if (error instanceof UsageError) {
      const command = `agent-authz ${error.command}`;
      return fail(`${command}: ${error.message} (see ${command} --help)\n`);
    }
    fail(`agent-authz ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function print(text: string): void {
  process.stdout.write(text);
}

function fail(text: string): never {
  process.stderr.write(text);
  process.exit(EXIT_USAGE);
}

/** The version in package.json, one folder above dist/. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** `agent-authz check … | head -1`: a reader that went away ends the command, not a stack trace. */
function exitQuietlyOnBrokenStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}
