import { type ParseArgsConfig, parseArgs } from 'node:util';
import { nearestName } from '../lib/nearest-name.js';
import { HelpRequested, UsageError } from './cli-errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gives for a command's options: typed `values` and the operands. */
export type ParsedCommandArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** What a command declares once; `parseCommandArgs` turns it into help, errors and values. */
export interface CommandSpec<O extends Options> {
  /** As typed after `agent-authz`: `check`, `token mint`. Errors and help name it. */
  readonly command: string;
  /** The full usage text `--help` prints (ends with a newline). */
  readonly usage: string;
  readonly options: O;
  /** Whether the command takes operands (a URL, a file). */
  readonly positionals?: boolean;
}

/**
 * The one argument parser of every command (node:util parseArgs, strict): `--opt value` and
 * `--opt=value` both work, an option missing its value or an unknown option is a UsageError
 * naming the command, and `--help` / `-h` anywhere before `--` asks for the usage.
 */
export function parseCommandArgs<O extends Options>(
  spec: CommandSpec<O>,
  args: readonly string[],
): ParsedCommandArgs<O> {
  if (wantsHelp(args)) throw new HelpRequested(spec.usage);
  try {
    return parseArgs({
      args: [...args],
      options: spec.options,
      allowPositionals: spec.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(spec.command, describeParseError(error, spec.options));
  }
}

/** The UsageError for an operand or option that is missing or wrong. */
export function usageError(spec: { readonly command: string }, message: string): UsageError {
  return new UsageError(spec.command, message);
}

export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * node's messages, minus its advice about `--` that does not apply to a CLI user; an unknown
 * option names the known one it most likely meant.
 */
function describeParseError(error: unknown, options: Options): string {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const option = /--[^\s',]+/.exec(quoted)?.[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const meant = option.startsWith('--')
        ? nearestName(
            option,
            Object.keys(options).map((name) => `--${name}`),
          )
        : undefined;
      return `unknown option ${option}${meant === undefined ? '' : `; did you mean ${meant}?`}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take')
        ? `option ${option} takes no value`
        : `option ${option} needs a value`;
    default:
      throw error;
  }
}
