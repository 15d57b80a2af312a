import { state } from './page-state.js';

// The admin API client: same origin, no cookies, no cache; a problem+json answer becomes an
// ApiError with its status and detail.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/**
 * Calls the admin API on this origin. Every call carries X-Agent-Authz-Admin, which the API
 * requires on reads: a page on another site cannot send it without a CORS preflight, which the
 * API never grants. Mutations carry the token in the Authorization header.
 */
export async function api(method, path, body) {
  const headers = { accept: 'application/json', 'x-agent-authz-admin': '1' };
  if (method !== 'GET' && state.token) headers.authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    cache: 'no-store',
    credentials: 'omit',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, data.detail || data.title || 'failed');
  return data;
}
