/** A reply from the admin API: status, content type and the parsed JSON body (or the text). */
export interface AdminResponse {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/** The header an admin client adds to `/v1` reads, which no page on another site can send. */
export const ADMIN_CLIENT_HEADER = { 'x-agent-authz-admin': '1' } as const;

/**
 * Calls the admin HTTP API of a test app over real HTTP on 127.0.0.1, as an admin client does:
 * with the admin header (`bare: true` leaves it out) and the given extra headers.
 */
export async function admin(
  port: number,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    bare?: boolean;
    headers?: Readonly<Record<string, string>>;
  } = {},
): Promise<AdminResponse> {
  const headers: Record<string, string> = options.bare ? {} : { ...ADMIN_CLIENT_HEADER };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...headers, ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const body = contentType.includes('json') && text !== '' ? JSON.parse(text) : {};
  return { status: response.status, contentType, headers: response.headers, body, text };
}
