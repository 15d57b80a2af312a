import { CommandFailed } from '../command-line/cli-errors.js';
import { ADDRESS_IN_USE, describeListenCode } from '../command-line/listen-failed.js';
import type { Config } from '../config/config-schema.js';
import { UnreadableFileError } from '../lib/yaml-file.js';

type Listener = keyof Config['listen'];

const POLICY_HINT = 'fix the path in policy (--policy FILE, AGENT_AUTHZ_POLICY or the config file)';

/**
 * A start that failed, as one line that says what to try: a port that cannot be bound names
 * the setting that chose it; a policy file that cannot be read names where its path is set.
 * Anything else is returned as it is.
 */
export function startFailed(error: unknown, config: Config): unknown {
  if (error instanceof UnreadableFileError && error.kind === 'policy file') {
    return new CommandFailed(error.message, { hint: POLICY_HINT, cause: error });
  }
  const bind = bindFailure(error, config);
  if (bind === undefined) return error;
  const { address, cause, listener } = bind;
  const field =
    listener === undefined ? 'listen.grpc, listen.http or listen.admin' : `listen.${listener}`;
  return new CommandFailed(`cannot listen on ${address}: ${cause}`, {
    hint: `${cause === ADDRESS_IN_USE ? 'is another server running there? ' : ''}choose another address with --${field} HOST:PORT`,
    cause: error,
  });
}

/**
 * The address, cause and listener of a bind failure: node's error for the HTTP and admin
 * listeners (`syscall: 'listen'`), the gRPC transports' `listen ADDRESS: cause` for gRPC.
 */
function bindFailure(
  error: unknown,
  config: Config,
): { address: string; cause: string; listener: Listener | undefined } | undefined {
  const { syscall, address, port, message } = error as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
  };
  const listeners = Object.entries(config.listen) as Array<[Listener, string]>;
  if (syscall === 'listen' && address !== undefined && port !== undefined) {
    const shown = `${address.includes(':') ? `[${address}]` : address}:${port}`;
    const listener = listeners.find(([, value]) => value.endsWith(`:${port}`))?.[0];
    return { address: shown, cause: describeListenCode(error as NodeJS.ErrnoException), listener };
  }
  const grpc = /^listen (\S+): (.+)$/.exec(typeof message === 'string' ? message : '');
  if (grpc === null) return undefined;
  const listener = listeners.find(([, value]) => value === grpc[1])?.[0];
  return { address: grpc[1]!, cause: grpc[2]!, listener };
}
