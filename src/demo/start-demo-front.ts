import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export type HeaderRecord = Record<string, string | string[]>;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** What the ext_authz service said about one request, whichever transport asked. */
export type Verdict =
  | { readonly allowed: true; readonly set: Record<string, string>; readonly remove: string[] }
  | {
      readonly allowed: false;
      readonly status: number;
      readonly headers: HeaderRecord;
      readonly body: Buffer;
    };

/** Asks agent-authz about a request: method, path with query, client headers, body. */
export type Authorizer = (
  method: string,
  target: string,
  headers: HeaderRecord,
  body: Buffer,
) => Promise<Verdict>;

/**
 * A stand-in for Envoy's ext_authz filter, for `npm run demo`: buffers the request, asks
 * agent-authz (`authorize`, over HTTP or gRPC), and when allowed forwards to `upstreamUrl` with
 * the identity headers set and the listed ones removed; otherwise returns the denial. It mirrors
 * envoy/envoy-*.yaml; it is not a proxy to deploy.
 */
export function startDemoFront(options: {
  authorize: Authorizer;
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
  options: { authorize: Authorizer; upstreamUrl: string },
): Promise<Answer> {
  const body = await readAll(incoming);
  const headers = clientHeaders(incoming);
  headers['x-forwarded-proto'] = 'http';
  headers['x-request-id'] = randomUUID();
  const method = incoming.method ?? 'GET';
  const verdict = await options.authorize(method, incoming.url ?? '/', headers, body);
  if (!verdict.allowed) return verdict;
  for (const name of verdict.remove) delete headers[name];
  Object.assign(headers, verdict.set);
  return send(`${options.upstreamUrl}${incoming.url}`, method, headers, body);
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

function clientHeaders(incoming: IncomingMessage): HeaderRecord {
  const headers: HeaderRecord = {};
  for (const [name, lines] of Object.entries(incoming.headersDistinct)) {
    if (lines !== undefined && !HOP_BY_HOP.has(name))
      headers[name] = lines.length === 1 ? lines[0]! : lines;
  }
  return headers;
}

export function send(
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
