import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { agentFetch } from '../agent-fetch.js';
import {
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

options:
  --key FILE             key file written by agent-authz keygen (required)
  -X, --method METHOD    request method (default GET)
  -H, --header "N: v"    request header (repeatable)
  -d, --data BODY        request body (covered by content-digest)
  --cover HEADER         also cover this header in the signature (repeatable)
  --token TOKEN          a DPoP-bound access token: send it with a proof instead of a signature
  --did-jwk              sign as the key's did:jwk instead of its did:key
  -i, --include          print the status line and response headers
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
    ...SIGNING_OPTIONS,
  },
  positionals: true,
} as const;

/** `agent-authz request`: curl-like, with the agent's identity on the request. */
export async function request(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(REQUEST, args);
  if (values.key === undefined) throw usageError(REQUEST, '--key is required');
  const [url, ...extra] = positionals;
  if (url === undefined || extra.length > 0) throw usageError(REQUEST, 'one URL is required');
  const send = agentFetch({
    key: signingKeyFromArgs(values.key, {
      didJwk: values['did-jwk'],
      thumbprintKeyid: values['thumbprint-keyid'],
    }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(values.cover === undefined ? {} : { coverHeaders: values.cover }),
    ...signingChoicesFromArgs(REQUEST, values),
  });
  const response = await send(url, {
    method: values.method,
    headers: (values.header ?? []).map(headerPair),
    ...(values.data === undefined ? {} : { body: values.data }),
  });
  if (values.include) {
    process.stdout.write(`HTTP ${response.status} ${response.statusText}\n`);
    for (const [name, value] of response.headers) process.stdout.write(`${name}: ${value}\n`);
    process.stdout.write('\n');
  }
  process.stdout.write(Buffer.from(await response.arrayBuffer()));
}

function headerPair(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw usageError(REQUEST, `header "${line}" is not "Name: value"`);
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}
