import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AdminDeps, AdminHandler } from './admin-deps.js';
import { type AdminReply, problem, writeReply } from './admin-reply.js';
import { getAgent, listAgents, releaseAgent } from './agent-routes.js';
import { isAllowedAdminHost } from './check-admin-host.js';
import { pageAsset, trafficPage } from './page-routes.js';
import { refuseCrossSite } from './refuse-cross-site.js';
import { createRevocation, deleteRevocation, listRevocations } from './revocation-routes.js';
import { healthz, metrics, policy, readyz } from './status-routes.js';
import { adminStatus, traffic } from './traffic-routes.js';

interface Route {
  readonly path: RegExp;
  readonly methods: Readonly<Record<string, AdminHandler>>;
}

/** SPEC §8. Path parts in parentheses are percent-decoded and passed to the handler. */
const ROUTES: readonly Route[] = [
  { path: /^\/$/, methods: { GET: trafficPage } },
  { path: /^\/assets\/([^/]+)$/, methods: { GET: pageAsset } },
  { path: /^\/healthz$/, methods: { GET: healthz } },
  { path: /^\/readyz$/, methods: { GET: readyz } },
  { path: /^\/metrics$/, methods: { GET: metrics } },
  { path: /^\/v1\/policy$/, methods: { GET: policy } },
  { path: /^\/v1\/admin$/, methods: { GET: adminStatus } },
  { path: /^\/v1\/traffic$/, methods: { GET: traffic } },
  { path: /^\/v1\/agents$/, methods: { GET: listAgents } },
  { path: /^\/v1\/agents\/([^/]+)$/, methods: { GET: getAgent } },
  { path: /^\/v1\/agents\/([^/]+)\/release$/, methods: { POST: releaseAgent } },
  { path: /^\/v1\/revocations$/, methods: { GET: listRevocations, POST: createRevocation } },
  { path: /^\/v1\/revocations\/([^/]+)$/, methods: { DELETE: deleteRevocation } },
];

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The admin HTTP API on `listen.admin` (127.0.0.1:9193 by default). */
export async function startAdminServer(address: string, deps: AdminDeps): Promise<AdminServer> {
  const server = createServer((request, response) => {
    route(deps, request).then(
      (reply) => writeReply(response, reply),
      () => writeReply(response, problem(500, 'Internal error', 'The admin request failed.')),
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const split = address.lastIndexOf(':');
  const host = address.slice(0, split).replace(/^\[|\]$/g, '');
  server.listen(Number(address.slice(split + 1)), host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(deps: AdminDeps, request: IncomingMessage): Promise<AdminReply> {
  if (!isAllowedAdminHost(request.headers.host, deps.allowedHosts)) {
    return problem(
      421,
      'Misdirected request',
      'The admin API answers requests addressed to localhost, an IP address or a name in admin.allowedHosts (a guard against DNS rebinding).',
    );
  }
  const url = new URL(request.url ?? '/', 'http://admin.invalid');
  const refusal = refuseCrossSite(request, url, deps.token);
  if (refusal !== undefined) return refusal;
  for (const { path, methods } of ROUTES) {
    const match = path.exec(url.pathname);
    if (match === null) continue;
    const handler = methods[request.method ?? ''];
    if (handler === undefined) {
      const allow = Object.keys(methods).join(', ');
      return problem(405, 'Method not allowed', `This path answers ${allow}.`, { allow });
    }
    const params = decodeParams(match.slice(1));
    if (params === undefined) return problem(400, 'Bad path', 'The path is not percent-encoded.');
    return handler(deps, { request, url, params });
  }
  return problem(404, 'Not found', 'See docs/observability.md for the admin API routes.');
}

function decodeParams(parts: readonly string[]): string[] | undefined {
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}
