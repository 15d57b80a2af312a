import { parseArgs } from 'node:util';
import { signRequest } from '../sign-request.js';
import { readKeyFile } from './read-key-file.js';

export const REQUEST_OPTIONS = {
  key: { type: 'string' },
  method: { type: 'string', short: 'X', default: 'GET' },
  url: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd' },
  cover: { type: 'string', multiple: true },
  'did-jwk': { type: 'boolean', default: false },
} as const;

/** Parses the request-describing options shared by `sign` and `check`, and signs. */
export function signedRequestFromArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: REQUEST_OPTIONS,
    allowPositionals: true,
  });
  const url = values.url ?? positionals[0];
  if (values.key === undefined || url === undefined) {
    throw new Error(
      'usage: --key FILE [-X METHOD] [-H "Name: value"]... [-d BODY] [--cover HEADER]... URL',
    );
  }
  const headers = Object.fromEntries((values.header ?? []).map(splitHeader));
  const signature = signRequest({
    method: values.method,
    url,
    headers,
    ...(values.data === undefined ? {} : { body: values.data }),
    key: readKeyFile(values.key, values['did-jwk']),
    coverHeaders: values.cover ?? [],
  });
  return {
    method: values.method.toUpperCase(),
    url: new URL(url),
    headers,
    body: values.data,
    signature,
  };
}

/** `agent-authz sign`: prints the headers to add to the request, one `Name: value` per line. */
export function sign(args: string[]): void {
  const { signature } = signedRequestFromArgs(args);
  for (const [name, value] of Object.entries(signature))
    process.stdout.write(`${name}: ${value}\n`);
}

function splitHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new Error(`header "${line}" is not "Name: value"`);
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}
