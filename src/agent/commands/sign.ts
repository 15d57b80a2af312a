import type { CliIo } from '../../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { forwardedUrl } from '../forwarded-url.js';
import { signRequest } from '../sign-request.js';
import {
  checkCoveredHeaders,
  SIGNING_OPTIONS,
  SIGNING_USAGE,
  type SigningChoices,
  signingChoicesFromArgs,
  signingKeyFromArgs,
} from './signing-options.js';

/** The options that describe a request, shared by `sign` and `check`. */
export const REQUEST_OPTIONS = {
  key: { type: 'string' },
  'did-jwk': { type: 'boolean', default: false },
  method: { type: 'string', short: 'X', default: 'GET' },
  url: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd' },
  cover: { type: 'string', multiple: true },
  ...SIGNING_OPTIONS,
} as const;

export const REQUEST_USAGE = `  --key FILE            key file written by agent-authz keygen
  --did-jwk             sign as the key's did:jwk instead of its did:key
  -X, --method METHOD   request method (default GET)
  -H, --header "N: v"   a request header (repeatable)
  -d, --data BODY       request body (adds Content-Digest)
  --cover HEADER        also cover this header in the signature (repeatable)
  --url URL             the request URL (or give it as the last argument)
  -h, --help            show this help
${SIGNING_USAGE}`;

const SIGN = {
  command: 'sign',
  usage: `usage: agent-authz sign --key FILE [options] URL

Prints the RFC 9421 headers (Content-Digest, Signature-Input, Signature) to add to a request.
The path is signed in the form Envoy forwards; when that differs from the URL given, a note on
stderr names the URL signed, and the request should be sent to it.
${REQUEST_USAGE}`,
  options: REQUEST_OPTIONS,
  positionals: true,
} as const;

export interface RequestParts {
  readonly method: string;
  /** The URL signed and sent: its path in the form Envoy forwards, unless --path-as-is. */
  readonly url: URL;
  /** The URL as given. */
  readonly given: URL;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

type RequestValues = Parameters<typeof signingChoicesFromArgs>[1] & {
  method: string;
  url?: string | undefined;
  header?: string[] | undefined;
  data?: string | undefined;
  'path-as-is'?: boolean | undefined;
};

/**
 * The request the options describe; a missing or unparsable URL, or a path Envoy would refuse
 * or redirect, is a usage error.
 */
export function requestFromArgs(
  spec: { command: string },
  values: RequestValues,
  positionals: readonly string[],
): RequestParts {
  const text = values.url ?? positionals[0];
  if (text === undefined) throw usageError(spec, 'a request URL is required');
  if (!URL.canParse(text)) throw usageError(spec, `"${text}" is not an absolute URL`);
  let url: URL;
  try {
    url = forwardedUrl(text, { pathAsIs: values['path-as-is'] === true });
  } catch (error) {
    throw usageError(spec, (error as Error).message);
  }
  return {
    method: values.method.toUpperCase(),
    url,
    given: new URL(text),
    headers: Object.fromEntries((values.header ?? []).map((line) => splitHeader(spec, line))),
    body: values.data,
  };
}

/**
 * The signature headers for `request`, signed with the key file's did:key (or did:jwk); a
 * covered header the request lacks is a usage error of `spec`'s command.
 */
export function signatureHeaders(
  spec: { command: string },
  request: RequestParts,
  key: {
    file: string;
    didJwk: boolean;
    thumbprintKeyid?: boolean;
    cover: readonly string[];
    choices?: SigningChoices;
  },
): Record<string, string> {
  checkCoveredHeaders(spec, key.cover, {
    headers: Object.keys(request.headers),
    body: request.body !== undefined,
    webBotAuth: key.choices?.webBotAuth !== undefined,
  });
  return signRequest({
    ...key.choices,
    method: request.method,
    url: request.url.href,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    key: signingKeyFromArgs(key.file, {
      didJwk: key.didJwk,
      thumbprintKeyid: key.thumbprintKeyid ?? false,
    }),
    coverHeaders: [...key.cover],
  });
}

/**
 * Parses the request options (REQUEST_OPTIONS only) and signs: the building block of commands
 * that send a signed request.
 */
export function signedRequestFromArgs(args: string[]) {
  const { values, positionals } = parseCommandArgs(SIGN, args);
  const request = requestFromArgs(SIGN, values, positionals);
  const choices = signingChoicesFromArgs(SIGN, values);
  if (values.key === undefined) throw usageError(SIGN, '--key FILE is required');
  const signature = signatureHeaders(SIGN, request, {
    file: values.key,
    didJwk: values['did-jwk'],
    thumbprintKeyid: values['thumbprint-keyid'],
    cover: values.cover ?? [],
    choices,
  });
  return { ...request, signature };
}

/** `agent-authz sign`: prints the headers to add to the request, one `Name: value` per line. */
export function sign(args: string[], io: CliIo): void {
  const { signature, url, given } = signedRequestFromArgs(args);
  if (url.href !== given.href) {
    io.stderr.write(
      `agent-authz sign: signed ${url.href}, the URL Envoy forwards; send the request there\n`,
    );
  }
  for (const [name, value] of Object.entries(signature)) io.stdout.write(`${name}: ${value}\n`);
}

function splitHeader(spec: { command: string }, line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw usageError(spec, `header "${line}" is not "Name: value"`);
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}
