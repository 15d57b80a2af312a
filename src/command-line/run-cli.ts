import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { nearestName } from '../lib/nearest-name.js';
import { CommandFailed, EXIT_FAILED, HelpRequested, UsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';

/**
 * A command: its arguments and io in; a number (or a promise of one) is its exit status,
 * anything else means 0 — or keep running while handles are open (`serve`).
 */
export type Command = (args: string[], io: CliIo) => unknown;

/** A command's code, imported only when that command runs, so `--help` loads none of them. */
export interface LazyCommand {
  load(): Promise<Command>;
}

/** A command with subcommands (`token mint`, `token proof`), and the usage that lists them. */
export interface CommandGroup {
  readonly usage: string;
  readonly subcommands: Readonly<Record<string, LazyCommand>>;
}

export type CommandTable = Readonly<Record<string, LazyCommand | CommandGroup>>;

/** How a command line ended: its exit status, and whether it failed (then end at once). */
export interface CliOutcome {
  readonly code: number;
  readonly failed: boolean;
}

/**
 * Dispatches `agent-authz <command> …`: no command prints the usage on stderr (exit 2);
 * `--help` prints it on stdout; `--version` prints the package version. Whatever goes wrong is
 * one line on stderr, `agent-authz <command>: <what was wrong>; <what to try>`, never a stack,
 * and exit 2 unless the error says otherwise.
 */
export async function runCli(
  commands: CommandTable,
  usage: string,
  argv: readonly string[],
  io: CliIo,
): Promise<CliOutcome> {
  const [name, ...args] = argv;
  if (name === undefined) return fail(io, usage);
  if (name === '--help' || name === '-h' || name === 'help') return print(io, usage);
  if (name === '--version' || name === 'version') return print(io, `${packageVersion()}\n`);
  const entry = commands[name];
  if (entry === undefined) {
    const kind = name.startsWith('-') ? 'option' : 'command';
    return fail(
      io,
      `agent-authz: unknown ${kind} "${name}"${didYouMean(name, commands)}\n\n${usage}`,
    );
  }
  let path = name;
  try {
    const [command, rest] = await resolveCommand(name, entry, args, (sub) => {
      path = `${name} ${sub}`;
    });
    const code = await command(rest, io);
    return { code: typeof code === 'number' ? code : 0, failed: false };
  } catch (error) {
    return report(io, path, error);
  }
}

/** The command `name` (and, for a group, the first argument) picks, loaded. */
async function resolveCommand(
  name: string,
  entry: LazyCommand | CommandGroup,
  args: readonly string[],
  chose: (subcommand: string) => void,
): Promise<[command: Command, rest: string[]]> {
  if (!('subcommands' in entry)) return [await entry.load(), [...args]];
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') throw new HelpRequested(entry.usage);
  const leaf = sub === undefined ? undefined : entry.subcommands[sub];
  if (sub === undefined || leaf === undefined) {
    const known = Object.keys(entry.subcommands).join(', ');
    throw new UsageError(
      name,
      sub === undefined
        ? `a subcommand is required (${known})`
        : `unknown subcommand "${sub}" (${known})${didYouMean(sub, entry.subcommands)}`,
    );
  }
  chose(sub);
  return [await leaf.load(), rest];
}

/** The one line (or, for a file with several invalid fields, one line per field) for an error. */
function report(io: CliIo, path: string, error: unknown): CliOutcome {
  if (error instanceof HelpRequested) return print(io, error.usage);
  if (error instanceof UsageError) {
    const command = `agent-authz ${error.command}`;
    return fail(io, `${command}: ${error.message} (see ${command} --help)\n`);
  }
  const prefix = `agent-authz ${path}: `;
  if (error instanceof CommandFailed) {
    const hint = error.hint === undefined ? '' : `; ${error.hint}`;
    return fail(io, `${prefix}${oneLine(error.message)}${hint}\n`, error.exitCode);
  }
  // A configuration or policy file lists each invalid field on its own line, by design.
  if (error instanceof ConfigError) return fail(io, `${prefix}${error.message}\n`);
  const message = error instanceof Error ? error.message : String(error);
  return fail(io, `${prefix}${oneLine(message)}\n`);
}

function didYouMean(name: string, known: Readonly<Record<string, unknown>>): string {
  const meant = nearestName(name, Object.keys(known));
  return meant === undefined ? '' : `; did you mean "${meant}"?`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function print(io: CliIo, text: string): CliOutcome {
  io.stdout.write(text);
  return { code: 0, failed: false };
}

function fail(io: CliIo, text: string, code = EXIT_FAILED): CliOutcome {
  io.stderr.write(text);
  return { code, failed: true };
}

/** The version in package.json, one folder above dist/. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
