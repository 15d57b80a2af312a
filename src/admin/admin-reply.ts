import type { IncomingMessage, ServerResponse } from 'node:http';

/** What an admin handler answers; the server turns it into a response. */
export interface AdminReply {
  readonly status: number;
  readonly body?: unknown;
  /** `text` is for /metrics and the probes; everything else is JSON. */
  readonly text?: { readonly contentType: string; readonly content: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export const json = (status: number, body: unknown): AdminReply => ({ status, body });

/** RFC 9457 problem details; `detail` says what to do, never echoes a credential. */
export function problem(
  status: number,
  title: string,
  detail: string,
  headers?: Readonly<Record<string, string>>,
): AdminReply {
  return {
    status,
    body: { type: 'about:blank', title, status, detail },
    ...(headers === undefined ? {} : { headers }),
  };
}

export function writeReply(response: ServerResponse, reply: AdminReply): void {
  const isProblem = reply.status >= 400 && reply.text === undefined;
  const contentType =
    reply.text?.contentType ??
    (isProblem ? 'application/problem+json' : 'application/json; charset=utf-8');
  const content =
    reply.text?.content ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  response.writeHead(reply.status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    ...reply.headers,
  });
  response.end(reply.status === 204 ? undefined : content);
}

/** Request bodies are small JSON objects; anything larger is refused before it is parsed. */
const MAX_BODY_BYTES = 16 * 1024;

export class BodyError extends Error {}

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new BodyError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError('the body is not JSON');
  }
}
