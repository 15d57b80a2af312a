import { runSubcommand } from '../../command-line/parse-command-args.js';
import { directoryCheck } from './directory-check.js';
import { directoryPrint, directoryServe } from './directory-publish.js';

const DIRECTORY_USAGE = `usage: agent-authz directory check|print|serve

  directory check URL          fetch a key directory (origin, directory URL, JWKS URI or
                               did:web) as the server would and print every problem
  directory print --key FILE   print the key directory JSON for the agent's public keys
  directory serve --key FILE --listen HOST:PORT [--tls-cert F --tls-key F] [--sign]
                               serve it at /.well-known/http-message-signatures-directory
`;

/** `agent-authz directory <subcommand>`: Web Bot Auth key directories, checked and published. */
export function directoryCommand(args: string[]): unknown {
  return runSubcommand<unknown>(
    { command: 'directory', usage: DIRECTORY_USAGE },
    { check: directoryCheck, print: directoryPrint, serve: directoryServe },
    args,
  );
}
