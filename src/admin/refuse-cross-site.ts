import type { IncomingMessage } from 'node:http';
import { type AdminReply, problem } from './admin-reply.js';
import { checkAdminToken } from './check-admin-token.js';

/** The header an admin client sends on `/v1` reads; any non-empty value. */
export const ADMIN_CLIENT_HEADER = 'x-agent-authz-admin';

const CROSS_SITE = problem(
  403,
  'Cross-site request refused',
  'The browser marked this request as sent by a page on another site (Sec-Fetch-Site). ' +
    'Open the admin API or its traffic page directly.',
);

const HEADER_REQUIRED = problem(
  403,
  'Admin header required',
  'Send X-Agent-Authz-Admin: 1 (any value) or Authorization: Bearer <admin token> with reads ' +
    'under /v1, e.g. curl -H "X-Agent-Authz-Admin: 1" 127.0.0.1:9193/v1/agents.',
);

/**
 * The guard against pages on other sites. The admin API listens on loopback, where any page
 * the operator's browser opens can send it requests (an `<img>`, a no-cors fetch, a form);
 * the browser will not show the page the answer, but the work is done. So:
 *
 * - a request the browser marks `Sec-Fetch-Site: cross-site` or `same-site` (another port of
 *   the same host is the same site) is refused before any work, except a top-level navigation
 *   to the traffic page, which does none (the W3C Fetch Metadata Request Headers);
 * - a `/v1` read must carry `X-Agent-Authz-Admin` or the admin token. Neither is a
 *   CORS-safelisted request-header (Fetch Standard), so a page on another origin cannot send
 *   one without a CORS preflight, which this API never grants: browsers that send no fetch
 *   metadata cannot be used either. The traffic page is same-origin and sends the header.
 *
 * Probes, /metrics and the page's files need no header: they cost nothing worth refusing.
 * Mutations already need the token, in a header that is not CORS-safelisted.
 */
export function refuseCrossSite(
  request: IncomingMessage,
  url: URL,
  token: string,
): AdminReply | undefined {
  const site = request.headers['sec-fetch-site'];
  if ((site === 'cross-site' || site === 'same-site') && !isPageNavigation(request, url)) {
    return CROSS_SITE;
  }
  if (request.method !== 'GET' || !url.pathname.startsWith('/v1/')) return undefined;
  if (request.headers[ADMIN_CLIENT_HEADER]) return undefined;
  return checkAdminToken(request, token).allowed ? undefined : HEADER_REQUIRED;
}

/** The operator following a link to the traffic page: it loads, and does its reads itself. */
function isPageNavigation(request: IncomingMessage, url: URL): boolean {
  return (
    request.method === 'GET' &&
    url.pathname === '/' &&
    request.headers['sec-fetch-mode'] === 'navigate' &&
    request.headers['sec-fetch-dest'] === 'document'
  );
}
