import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { HostLookup } from '../../src/keys/fetch/resolve-public-address.js';
import { generateTestCertificates } from './generate-test-certificates.js';

/** Every name under this domain resolves to 127.0.0.1 through `lookup`. */
export const TEST_DOMAIN = 'example.test';

export interface HostedResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Wait this long before answering (a slow origin). */
  readonly delayMs?: number;
  /** Answers by hand instead (a reset, a trickle): status, headers and body are then ignored. */
  readonly raw?: (response: ServerResponse) => void;
}

type Route = HostedResponse | (() => HostedResponse);

/**
 * An HTTPS server on 127.0.0.1 with a certificate from a CA generated for the test, serving
 * did.json documents and key directories by host name and path, and counting requests.
 */
export interface DocumentHost {
  /** PEM of the test CA, for `--resolver.ca-file` (written before the server starts). */
  readonly caFile: string;
  readonly port: number;
  /** DNS for tests: `*.example.test` → 127.0.0.1, anything else does not resolve. */
  readonly lookup: HostLookup;
  /** `https://name.example.test:port` */
  origin(name: string): string;
  serve(host: string, path: string, route: Route): void;
  /** Requests received for `host` + `path` so far. */
  hits(host: string, path: string): number;
}

export const testLookup: HostLookup = async (hostname) => {
  if (hostname === TEST_DOMAIN || hostname.endsWith(`.${TEST_DOMAIN}`)) {
    return [{ address: '127.0.0.1', family: 4 }];
  }
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

/**
 * Starts the host in beforeAll and stops it in afterAll of the enclosing test file. Its
 * certificate covers `*.example.test` and any `extraNames` (e.g. `localhost`).
 */
export function useDocumentHost(options: { extraNames?: readonly string[] } = {}): DocumentHost {
  const directory = mkdtempSync(join(tmpdir(), 'agent-authz-host-'));
  const caFile = join(directory, 'ca.pem');
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const key = `${host}${request.url}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const route = routes.get(key);
    const answer = typeof route === 'function' ? route() : (route ?? { status: 404 });
    const send = () => {
      if (response.destroyed) return;
      if (answer.raw !== undefined) return answer.raw(response);
      response.writeHead(answer.status ?? 200, answer.headers);
      response.end(answer.body);
    };
    if (answer.delayMs === undefined) send();
    else setTimeout(send, answer.delayMs).unref();
  };

  beforeAll(async () => {
    const certificates = await generateTestCertificates([
      TEST_DOMAIN,
      `*.${TEST_DOMAIN}`,
      ...(options.extraNames ?? []),
    ]);
    writeFileSync(caFile, certificates.caPem);
    server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, handle);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  const port = () => (server?.address() as AddressInfo | null)?.port ?? 0;
  return {
    caFile,
    get port() {
      return port();
    },
    lookup: testLookup,
    origin: (name) => `https://${name}:${port()}`,
    serve: (host, path, route) => routes.set(`${host}${path}`, route),
    hits: (host, path) => counts.get(`${host}${path}`) ?? 0,
  };
}
