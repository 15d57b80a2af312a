import type { CliIo } from '../../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import type { CheckRequestMessage } from '../../transport/grpc/check-messages.js';
import { askAuthzServer } from './ask-authz-server.js';
import {
  REQUEST_OPTIONS,
  REQUEST_USAGE,
  type RequestParts,
  requestFromArgs,
  signatureHeaders,
} from './sign.js';
import { signingChoicesFromArgs } from './signing-options.js';

/** Exit codes of `agent-authz check`; 2 (a bad command line, an unreachable server) is main's. */
export const CHECK_EXIT = { allow: 0, deny: 1 } as const;

const CHECK = {
  command: 'check',
  usage: `usage: agent-authz check [--server HOST:PORT] [--unsigned | --key FILE] [options] URL

Signs a request and asks a running agent-authz about it exactly as Envoy would, then prints
the decision as JSON: for allow the headers Envoy would set upstream, for deny the HTTP status
(number and name), the gRPC status and the problem+json body.
Exit status: 0 allow, 1 deny (any of the answers with --repeat), 2 the check could not be made.
  --server HOST:PORT    the server's gRPC address (default: $AGENT_AUTHZ_LISTEN_GRPC, the
                        variable serve listens by, with 0.0.0.0 read as 127.0.0.1; else
                        127.0.0.1:9191)
  --unsigned            send the request without a signature (no --key needed)
  --repeat N            send the same signed request N times (default 1): the second answer
                        shows replay protection; prints one JSON object per answer
${REQUEST_USAGE}`,
  options: {
    ...REQUEST_OPTIONS,
    server: { type: 'string' },
    unsigned: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
  },
  positionals: true,
} as const;

/** `agent-authz check`: for trying the service without Envoy, from a script or by hand. */
export async function check(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(CHECK, args);
  const request = requestFromArgs(CHECK, values, positionals);
  const times = Number(values.repeat);
  if (!Number.isInteger(times) || times < 1 || times > 1000) {
    throw usageError(CHECK, '--repeat must be a whole number from 1 to 1000');
  }
  if (values.unsigned === (values.key !== undefined)) {
    throw usageError(CHECK, 'give either --key FILE or --unsigned');
  }
  const signature =
    values.key === undefined
      ? {}
      : signatureHeaders(CHECK, request, {
          file: values.key,
          didJwk: values['did-jwk'],
          thumbprintKeyid: values['thumbprint-keyid'],
          cover: values.cover ?? [],
          choices: signingChoicesFromArgs(CHECK, values),
        });
  const server = values.server ?? defaultServer(io.env.AGENT_AUTHZ_LISTEN_GRPC);
  const answers = await askAuthzServer(server, checkRequest(request, signature), times);
  for (const answer of answers) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  return answers.every((answer) => answer.decision === 'allow')
    ? CHECK_EXIT.allow
    : CHECK_EXIT.deny;
}

/** Where `serve` listens when started from the same environment; a wildcard means this host. */
function defaultServer(listen: string | undefined): string {
  if (listen === undefined || listen === '') return '127.0.0.1:9191';
  return listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

/** The CheckRequest Envoy would send for this request. */
function checkRequest(
  request: RequestParts,
  signature: Record<string, string>,
): CheckRequestMessage {
  const { method, url, headers, body } = request;
  return {
    attributes: {
      request: {
        http: {
          method,
          scheme: url.protocol.slice(0, -1),
          host: url.host,
          path: `${url.pathname}${url.search}`,
          headers: {
            ...headers,
            ...signature,
            ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          },
          ...(body === undefined ? {} : { body }),
        },
      },
    },
  };
}
