/** Every command of the `agent-authz` binary, and its usage. */
import type { CliIo } from './command-line/cli-io.js';
import { type CliOutcome, type CommandTable, runCli } from './command-line/run-cli.js';

const USAGE = `usage: agent-authz <command> [options]

commands:
  serve      run the ext_authz server (configuration: --config FILE, AGENT_AUTHZ_* variables, flags)
  keygen     create an agent key (did:key / did:jwk)
  sign       print RFC 9421 signature headers for a request
  check      sign a request and ask a running server about it, as Envoy would
  request    send a signed (or DPoP) request and print the response, like curl
  did-web    print the did.json to host for a key
  directory  directory check URL | print | serve: Web Bot Auth key directories, checked and published
  policy     policy check FILE: validate a policy file and print what it means
  token      token mint | token proof: DID-issued bound tokens and DPoP proofs

agent-authz <command> --help shows a command's options; agent-authz --version its version.
`;

const DIRECTORY_USAGE = `usage: agent-authz directory check|print|serve

  directory check URL          fetch a key directory (origin, directory URL, JWKS URI or
                               did:web) as the server would and print every problem
  directory print --key FILE   print the key directory JSON for the agent's public keys
  directory serve --key FILE --listen HOST:PORT [--tls-cert F --tls-key F] [--sign]
                               serve it at /.well-known/http-message-signatures-directory
`;

const POLICY_USAGE = `usage: agent-authz policy check FILE

  policy check FILE   validate a policy file and print what it means (exit 2 if invalid)
`;

const TOKEN_USAGE = `usage: agent-authz token <mint|proof> [options]

  token mint    print a DID-issued access token bound to a key or a certificate
  token proof   print the Authorization: DPoP and DPoP headers for one request
agent-authz token mint --help and agent-authz token proof --help show their options.
`;

// Each command's code is imported when it runs: `--help`, `keygen` or `sign` never load the
// server, the gRPC stack or the protos.
const COMMANDS: CommandTable = {
  serve: { load: async () => (await import('./server-commands/serve.js')).serve },
  keygen: { load: async () => (await import('./agent/commands/keygen.js')).keygen },
  sign: { load: async () => (await import('./agent/commands/sign.js')).sign },
  check: { load: async () => (await import('./agent/commands/check.js')).check },
  request: { load: async () => (await import('./agent/commands/request.js')).request },
  'did-web': { load: async () => (await import('./agent/commands/did-web.js')).didWeb },
  directory: {
    usage: DIRECTORY_USAGE,
    subcommands: {
      check: {
        load: async () => (await import('./agent/commands/directory-check.js')).directoryCheck,
      },
      print: {
        load: async () => (await import('./agent/commands/directory-publish.js')).directoryPrint,
      },
      serve: {
        load: async () => (await import('./agent/commands/directory-publish.js')).directoryServe,
      },
    },
  },
  policy: {
    usage: POLICY_USAGE,
    subcommands: {
      check: { load: async () => (await import('./server-commands/policy-check.js')).policyCheck },
    },
  },
  token: {
    usage: TOKEN_USAGE,
    subcommands: {
      mint: { load: async () => (await import('./agent/commands/token.js')).tokenMint },
      proof: { load: async () => (await import('./agent/commands/token.js')).tokenProof },
    },
  },
};

/** `agent-authz …argv`, with `io` for its streams and environment (main.ts: the process's). */
export function runAgentAuthz(argv: readonly string[], io: CliIo): Promise<CliOutcome> {
  return runCli(COMMANDS, USAGE, argv, io);
}
