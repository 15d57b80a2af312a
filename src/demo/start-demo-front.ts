import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { OWNED_HEADERS } from '../decision/upstream-headers.js';
import { HEADERS_TO_REMOVE } from '../transport/http/to-http-response.js';

/** Headers a denied client gets, as envoy/envoy-http.yaml's allowed_client_headers say. */
const CLIENT_HEADERS = ['content-type', 'www-authenticate', 'accept-signature', 'retry-after'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/**
 * A stand-in for Envoy in HTTP ext_authz mode, for `npm run demo`: buffers the request, asks
 * agent-authz's HTTP transport (`checkUrl`, like `http_service`), and on 200 forwards to
 * `upstreamUrl` with the identity headers set and the listed ones removed; otherwise returns
 * the denial. It mirrors envoy/envoy-http.yaml; it is not a proxy to deploy.
 */
export function startDemoFront(options: {
  checkUrl: string;
  upstreamUrl: string;
}): Promise<Server> {
  const server = createServer((incoming, response) => {
    proxy(incoming, options).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
      () => {
        response.writeHead(403);
        response.end();
      },
    );
  });
  return listen(server);
}

async function proxy(
  incoming: IncomingMessage,
  options: { checkUrl: string; upstreamUrl: string },
): Promise<Answer> {
  const body = await readAll(incoming);
  const headers = clientHeaders(incoming);
  headers['x-forwarded-proto'] = 'http';
  headers['x-request-id'] = randomUUID();
  const check = await send(
    `${options.checkUrl}${incoming.url}`,
    incoming.method ?? 'GET',
    headers,
    body,
  );
  if (check.status !== 200) {
    const allowed = Object.fromEntries(
      CLIENT_HEADERS.filter((name) => check.headers[name] !== undefined).map((name) => [
        name,
        check.headers[name],
      ]),
    );
    return { status: check.status, headers: allowed, body: check.body };
  }
  const removals = String(check.headers[HEADERS_TO_REMOVE] ?? '').split(',');
  for (const name of removals) delete headers[name.trim()];
  for (const name of OWNED_HEADERS) {
    const value = check.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return send(`${options.upstreamUrl}${incoming.url}`, incoming.method ?? 'GET', headers, body);
}

/** The echo upstream: answers with the method, path and headers it received, as JSON. */
export function startEchoUpstream(at: { host: string; port: number } = LOOPBACK): Promise<Server> {
  const server = createServer((incoming, response) => {
    void readAll(incoming).then(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ method: incoming.method, path: incoming.url, headers: incoming.headers }),
      );
    });
  });
  return listen(server, at);
}

function clientHeaders(incoming: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, lines] of Object.entries(incoming.headersDistinct)) {
    if (lines !== undefined && !HOP_BY_HOP.has(name))
      headers[name] = lines.length === 1 ? lines[0]! : lines;
  }
  return headers;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method, headers: { ...headers, 'content-length': String(body.length) } },
      (response) => {
        void readAll(response).then((data) =>
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const LOOPBACK = { host: '127.0.0.1', port: 0 };

function listen(server: Server, at = LOOPBACK): Promise<Server> {
  return new Promise((resolve) => server.listen(at.port, at.host, () => resolve(server)));
}
