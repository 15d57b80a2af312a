import { check } from './agent/cli/check.js';
import { didWeb } from './agent/cli/did-web.js';
import { directoryCommand } from './agent/cli/directory.js';
import { keygen } from './agent/cli/keygen.js';
import { request } from './agent/cli/request.js';
import { sign } from './agent/cli/sign.js';
import { token } from './agent/cli/token.js';
import { policyCommand } from './cli/policy-check.js';
import { type Command, runCli } from './cli/run-cli.js';
import { serve } from './cli/serve.js';

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
