import { OWNED_HEADERS } from '../decision/upstream-headers.js';
import { HEADERS_TO_REMOVE } from '../transport/http/to-http-response.js';
import { type Authorizer, send } from './start-demo-front.js';

/** Headers a denied client gets, as envoy/envoy-http.yaml's allowed_client_headers say. */
const CLIENT_HEADERS = ['content-type', 'www-authenticate', 'accept-signature', 'retry-after'];

/**
 * Envoy's `http_service`: the request mirrored to agent-authz's HTTP transport at `checkUrl`;
 * 200 allows, with the owned identity headers copied (allowed_upstream_headers) and the ones in
 * `x-envoy-auth-headers-to-remove` removed; anything else is the denial.
 */
export function askOverHttp(checkUrl: string): Authorizer {
  return async (method, target, headers, body) => {
    const check = await send(`${checkUrl}${target}`, method, headers, body);
    if (check.status !== 200) {
      const passed = CLIENT_HEADERS.filter((name) => check.headers[name] !== undefined);
      const denied = Object.fromEntries(passed.map((name) => [name, String(check.headers[name])]));
      return { allowed: false, status: check.status, headers: denied, body: check.body };
    }
    const set: Record<string, string> = {};
    for (const name of OWNED_HEADERS) {
      const value = check.headers[name];
      if (typeof value === 'string') set[name] = value;
    }
    const remove = String(check.headers[HEADERS_TO_REMOVE] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return { allowed: true, set, remove };
  };
}
