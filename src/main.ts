import { check } from './agent/commands/check.js';
import { didWeb } from './agent/commands/did-web.js';
import { directoryCommand } from './agent/commands/directory.js';
import { keygen } from './agent/commands/keygen.js';
import { request } from './agent/commands/request.js';
import { sign } from './agent/commands/sign.js';
import { token } from './agent/commands/token.js';
import { type Command, runCli } from './command-line/run-cli.js';
import { policyCommand } from './server-commands/policy-check.js';
import { serve } from './server-commands/serve.js';

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

const COMMANDS: Record<string, Command> = {
  serve,
  keygen,
  sign,
  check,
  request,
  'did-web': didWeb,
  directory: directoryCommand,
  policy: policyCommand,
  token,
};

await runCli(COMMANDS, USAGE, process.argv.slice(2));
