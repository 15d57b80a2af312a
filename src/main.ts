import { check } from './agent/cli/check.js';
import { didWeb } from './agent/cli/did-web.js';
import { keygen } from './agent/cli/keygen.js';
import { request } from './agent/cli/request.js';
import { sign } from './agent/cli/sign.js';
import { token } from './agent/cli/token.js';
import { policyCommand } from './cli/policy-check.js';
import { serve } from './cli/serve.js';
import { ConfigError } from './errors.js';

const USAGE = `usage: agent-authz <command> [options]

commands:
  serve [--config FILE] [--field=value ...]   run the ext_authz server
  keygen [--type ed25519|p256] [--out FILE]     create an agent key (did:key / did:jwk)
  sign --key FILE [-X METHOD] [-H "N: v"]... [-d BODY] [--cover HEADER]... URL
                                              print RFC 9421 signature headers for a request
  check [--server HOST:PORT] <sign options> URL
                                              sign a request and ask a running server about it
  request --key FILE [-X METHOD] [-H "N: v"]... [-d BODY] [--token TOKEN] [-i] URL
                                              send a signed (or DPoP) request and print the response
  did-web --key FILE --did did:web:HOST[:PATH] print the did.json to host for a key
  policy check FILE                           validate a policy file and print what it means
  token mint --issuer-key FILE --sub SUB --aud AUD [--bind-key FILE | --bind-cert FILE]
             [--scope "a b"] [--ttl 5m]       print a DID-issued token bound to a key or certificate
  token proof --key FILE [--token TOKEN] [-X METHOD] URL
                                              print Authorization: DPoP and DPoP headers
`;

const COMMANDS: Record<string, (args: string[]) => void | Promise<void>> = {
  serve,
  keygen,
  sign,
  check,
  request,
  'did-web': didWeb,
  policy: policyCommand,
  token,
};

/** Process entry: dispatch to a command; a bad argument or config exits 2 with its message. */
async function main(argv: string[]): Promise<void> {
  const [name = 'serve', ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`unknown command "${name}"\n\n${USAGE}`);
    process.exit(2);
  }
  try {
    await command(args);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `agent-authz ${name}: ${error instanceof ConfigError ? '' : 'error: '}${message}\n`,
    );
    process.exit(2);
  }
}

await main(process.argv.slice(2));
