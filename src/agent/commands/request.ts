import { CommandFailed } from '../../command-line/cli-errors.js';
import type { CliIo } from '../../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { agentFetch } from '../agent-fetch.js';
import {
  checkCoveredHeaders,
  SIGNING_OPTIONS,
  SIGNING_USAGE,
  signingChoicesFromArgs,
  signingKeyFromArgs,
} from './signing-options.js';

const REQUEST = {
  command: 'request',
  usage: `usage: agent-authz request --key FILE [options] URL

Sends one request signed with the agent's key (RFC 9421), or with a DPoP proof when --token is
given, and prints the response body (with -i, the status line and headers first).
Exit status: 0 a response came (with --fail: one below 400), 1 with --fail an HTTP status of
400 or more, 2 the request could not be made (bad option, unreadable key, no connection).

options:
  --key FILE             key file written by agent-authz keygen (required)
  -X, --method METHOD    request method (default GET)
  -H, --header "N: v"    request header (repeatable)
  -d, --data BODY        request body (covered by content-digest)
  --cover HEADER         also cover this header in the signature (repeatable)
  --token TOKEN          a DPoP-bound access token: send it with a proof instead of a signature
  --did-jwk              sign as the key's did:jwk instead of its did:key
  -i, --include          print the status line and response headers
  -f, --fail             on an HTTP status of 400 or more print no body, say so on stderr and
                         exit 1 (as curl --fail does)
  -h, --help             show this help
${SIGNING_USAGE}
A private CA for https URLs: NODE_EXTRA_CA_CERTS=ca.crt agent-authz request …
`,
  options: {
    key: { type: 'string' },
    method: { type: 'string', short: 'X', default: 'GET' },
    header: { type: 'string', short: 'H', multiple: true },
    data: { type: 'string', short: 'd' },
    cover: { type: 'string', multiple: true },
    token: { type: 'string' },
    'did-jwk': { type: 'boolean', default: false },
    include: { type: 'boolean', short: 'i', default: false },
    fail: { type: 'boolean', short: 'f', default: false },
    ...SIGNING_OPTIONS,
  },
  positionals: true,
} as const;

/** Exit status of `request --fail` when the response's status is 400 or more. */
export const REQUEST_HTTP_ERROR = 1;

/** `agent-authz request`: curl-like, with the agent's identity on the request. */
export async function request(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(REQUEST, args);
  if (values.key === undefined) throw usageError(REQUEST, '--key is required');
  const [url, ...extra] = positionals;
  if (url === undefined || extra.length > 0) throw usageError(REQUEST, 'one URL is required');
  if (!URL.canParse(url)) throw usageError(REQUEST, `"${url}" is not an absolute URL`);
  const choices = signingChoicesFromArgs(REQUEST, values);
  if (values.token === undefined) {
    checkCoveredHeaders(REQUEST, values.cover ?? [], {
      headers: (values.header ?? []).map((line) => headerPair(line)[0]),
      body: values.data !== undefined,
      webBotAuth: choices.webBotAuth !== undefined,
    });
  }
  const send = agentFetch({
    key: signingKeyFromArgs(values.key, {
      didJwk: values['did-jwk'],
      thumbprintKeyid: values['thumbprint-keyid'],
    }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(values.cover === undefined ? {} : { coverHeaders: values.cover }),
    ...choices,
  });
  const response = await send(url, {
    method: values.method,
    headers: (values.header ?? []).map(headerPair),
    ...(values.data === undefined ? {} : { body: values.data }),
  }).catch((error: unknown) => {
    throw requestFailed(url, error);
  });
  if (values.fail && response.status >= 400) {
    io.stderr.write(`agent-authz request: ${await describeHttpError(url, response)}\n`);
    return REQUEST_HTTP_ERROR;
  }
  await printResponse(io, response, values.include);
  return 0;
}

/** The body, after the status line and headers with `-i`. */
async function printResponse(io: CliIo, response: Response, include: boolean): Promise<void> {
  if (include) {
    io.stdout.write(`HTTP ${response.status} ${response.statusText}\n`);
    for (const [name, value] of response.headers) io.stdout.write(`${name}: ${value}\n`);
    io.stdout.write('\n');
  }
  io.stdout.write(Buffer.from(await response.arrayBuffer()));
}

function headerPair(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw usageError(REQUEST, `header "${line}" is not "Name: value"`);
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/** `https://api.example/ answered 403 Forbidden (reason zone_denied)`: a denial names its reason. */
async function describeHttpError(url: string, response: Response): Promise<string> {
  const answered = `${url} answered ${response.status} ${response.statusText}`.trimEnd();
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) {
    return answered;
  }
  const problem = (await response.json().catch(() => ({}))) as { reason?: unknown };
  const { reason } = problem;
  return typeof reason === 'string' && /^[a-z_]{1,64}$/.test(reason)
    ? `${answered} (reason ${reason})`
    : answered;
}

/** Words for the network errors undici reports as the `cause` of "fetch failed". */
const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_SOCKET: 'the connection closed',
};

/** Why the request got no response, in the user's terms, with what to try. */
function requestFailed(url: string, error: unknown): unknown {
  if (!(error instanceof TypeError) || !(error.cause instanceof Error)) return error;
  const { host } = new URL(url);
  const { code, message } = error.cause as NodeJS.ErrnoException;
  const failed = (text: string, hint: string) => new CommandFailed(text, { hint, cause: error });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return failed(`cannot resolve the host of ${url}`, 'check the URL');
  }
  if (code !== undefined && NETWORK_ERRORS[code] !== undefined) {
    return failed(
      `cannot connect to ${host} (${NETWORK_ERRORS[code]})`,
      `is a server running at ${host}? check the URL`,
    );
  }
  if (code !== undefined && /CERT|SELF_SIGNED|ERR_TLS/.test(code)) {
    return failed(
      `the TLS certificate of ${host} was refused (${code})`,
      'for a private CA run with NODE_EXTRA_CA_CERTS=ca.crt',
    );
  }
  return failed(`the request to ${url} failed: ${message}`, 'check the URL');
}
