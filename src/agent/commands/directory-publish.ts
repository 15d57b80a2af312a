import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CommandFailed } from '../../command-line/cli-errors.js';
import type { CliIo } from '../../command-line/cli-io.js';
import { fileFailed } from '../../command-line/file-failed.js';
import { describeListenCode } from '../../command-line/listen-failed.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { WELL_KNOWN_DIRECTORY_PATH as DIRECTORY_PATH } from '../../credentials/read-signature-agent.js';
import { DIRECTORY_MEDIA_TYPES } from '../../keys/resolve-directory-key.js';
import { keyDirectory, type PublishedKey, readPublishedKey } from '../key-directory.js';
import { signDirectoryResponse } from '../sign-directory-response.js';

const MEDIA_TYPE = DIRECTORY_MEDIA_TYPES[0];

const PRINT = {
  command: 'directory print',
  usage: `usage: agent-authz directory print --key FILE [--key FILE]...

Prints the Web Bot Auth key directory (a JWK Set) for the agent's public keys: kid = the JWK
thumbprint, which is also the keyid to sign with. Serve it at
https://YOUR-ORIGIN${DIRECTORY_PATH} with Content-Type ${MEDIA_TYPE}
(stderr says so again, with each keyid).
  --key FILE     a key file from agent-authz keygen, a JWK or a PEM key (repeatable; only the
                 public part is printed)
  -h, --help     show this help
`,
  options: { key: { type: 'string', multiple: true } },
} as const;

const SERVE = {
  command: 'directory serve',
  usage: `usage: agent-authz directory serve --key FILE [--key FILE]... --listen HOST:PORT [options]

Serves the key directory at ${DIRECTORY_PATH} with Content-Type
${MEDIA_TYPE} and Cache-Control: max-age, until SIGTERM/SIGINT.
  --key FILE            key file, JWK or PEM (repeatable); --sign needs the private keys
  --listen HOST:PORT    where to listen, e.g. 127.0.0.1:8443 (port 0 picks a free port; the
                        first stdout line says which)
  --tls-cert FILE       PEM certificate chain: serve HTTPS (verifiers only fetch https)
  --tls-key FILE        PEM private key of the certificate
  --sign                sign each response with every key (tag http-message-signatures-directory,
                        covering "@authority";req and content-digest), proving possession
  --max-age SECONDS     Cache-Control max-age, and the signatures' lifetime (default 86400)
  -h, --help            show this help
`,
  options: {
    key: { type: 'string', multiple: true },
    listen: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    sign: { type: 'boolean', default: false },
    'max-age': { type: 'string', default: '86400' },
  },
} as const;

/** `agent-authz directory print`: the directory JSON on stdout, where to serve it on stderr. */
export function directoryPrint(args: string[], io: CliIo): void {
  const { values } = parseCommandArgs(PRINT, args);
  const keys = readKeys(PRINT, values.key);
  io.stdout.write(`${JSON.stringify(keyDirectory(keys), null, 2)}\n`);
  io.stderr.write(
    `serve it at https://YOUR-ORIGIN${DIRECTORY_PATH}\n` +
      `with Content-Type: ${MEDIA_TYPE}\n` +
      keys.map((key) => `sign with keyid ${key.thumbprint}\n`).join(''),
  );
}

/** `agent-authz directory serve`: a small directory host for development and testing. */
export async function directoryServe(args: string[], io: CliIo): Promise<void> {
  const { values } = parseCommandArgs(SERVE, args);
  const { host, port } = listenAddress(values.listen);
  const keys = readKeys(SERVE, values.key);
  const maxAge = Number(values['max-age']);
  if (!Number.isInteger(maxAge) || maxAge < 1) {
    throw usageError(SERVE, '--max-age must be a whole number of seconds');
  }
  if (values.sign && keys.some((key) => key.privateKey === undefined)) {
    throw usageError(SERVE, '--sign needs every --key to hold its private key');
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw usageError(SERVE, '--tls-cert and --tls-key go together');
  }
  const handle = answerDirectory(keys, { sign: values.sign, maxAge });
  const tls = values['tls-cert'] !== undefined;
  const server = tls
    ? createHttpsServer(
        { cert: readFileSync(values['tls-cert']!), key: readFileSync(values['tls-key']!) },
        handle,
      )
    : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CommandFailed(`cannot listen on ${values.listen}: ${describeListenCode(error)}`, {
          hint: 'choose another --listen HOST:PORT (port 0 picks a free one)',
        }),
      ),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.stdout.write(
    `serving ${keys.length} key(s) at ${tls ? 'https' : 'http'}://${shown}:${address.port}${DIRECTORY_PATH}\n`,
  );
  if (!tls)
    io.stderr.write('plain http: verifiers fetch directories over https only; put TLS in front\n');
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** GET/HEAD of the well-known path answers the directory; anything else is 404 or 405. */
function answerDirectory(
  keys: readonly PublishedKey[],
  options: { sign: boolean; maxAge: number },
) {
  const body = `${JSON.stringify(keyDirectory(keys), null, 2)}\n`;
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== DIRECTORY_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': MEDIA_TYPE,
      'cache-control': `max-age=${options.maxAge}`,
    };
    if (options.sign) {
      // The signature covers the authority the verifier asked for: sign per request.
      const authority = request.headers.host ?? '';
      Object.assign(
        headers,
        signDirectoryResponse({ body, authority, keys, expiresIn: options.maxAge }),
      );
    }
    response.writeHead(200, headers).end(request.method === 'HEAD' ? undefined : body);
  };
}

function readKeys(spec: { command: string }, files: readonly string[] | undefined): PublishedKey[] {
  if (files === undefined || files.length === 0) throw usageError(spec, '--key FILE is required');
  const keys = files.map(readKeyOrFail);
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.thumbprint))
      throw usageError(spec, `the key ${key.thumbprint} is given twice`);
    seen.add(key.thumbprint);
  }
  return keys;
}

function readKeyOrFail(file: string): PublishedKey {
  try {
    return readPublishedKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall === undefined) throw error;
    throw fileFailed('read', 'key file', file, error, 'give a key file, JWK or PEM key');
  }
}

function listenAddress(text: string | undefined): { host: string; port: number } {
  const match = text === undefined ? null : /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  if (match === null || Number(match[2]) > 65535) {
    throw usageError(SERVE, '--listen HOST:PORT is required, e.g. 127.0.0.1:8443');
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}
