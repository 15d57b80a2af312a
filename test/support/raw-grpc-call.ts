import { connect, type IncomingHttpHeaders } from 'node:http2';

/** What came back on one hand-made gRPC stream. */
export interface RawGrpcAnswer {
  readonly headers: IncomingHttpHeaders;
  readonly trailers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `grpc-status` from the trailers, else from a trailers-only response's headers. */
  readonly grpcStatus: number | undefined;
  readonly grpcMessage: string | undefined;
}

export interface RawGrpcRequest {
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Written one DATA frame each, in order. */
  readonly chunks?: readonly Buffer[];
  /** Wait this long between chunks (default: one turn of the event loop). */
  readonly pauseMs?: number;
  /** Half-close after the chunks (default true). */
  readonly end?: boolean;
}

/**
 * One gRPC call written by hand over `node:http2` — headers, DATA frames exactly as given —
 * so a test can send what no gRPC library would (split prefixes, two messages on a unary call,
 * a compressed flag, a wrong content type).
 */
export async function rawGrpcCall(
  address: string,
  request: RawGrpcRequest,
): Promise<RawGrpcAnswer> {
  const session = connect(`http://${address}`);
  session.on('error', () => {});
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': request.path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...request.headers,
    });
    let headers: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const body: Buffer[] = [];
    stream.on('response', (value) => {
      headers = value;
    });
    stream.on('trailers', (value) => {
      trailers = value;
    });
    stream.on('data', (chunk: Buffer) => body.push(chunk));
    const closed = new Promise<void>((resolve) => {
      stream.on('close', () => resolve());
      stream.on('error', () => {});
    });
    for (const chunk of request.chunks ?? []) {
      stream.write(chunk);
      // One DATA frame per chunk: let the session flush before the next write.
      await new Promise((resolve) =>
        request.pauseMs === undefined
          ? setImmediate(resolve)
          : setTimeout(resolve, request.pauseMs),
      );
    }
    if (request.end !== false) stream.end();
    await closed;
    const status = trailers['grpc-status'] ?? headers['grpc-status'];
    const message = trailers['grpc-message'] ?? headers['grpc-message'];
    return {
      headers,
      trailers,
      body: Buffer.concat(body),
      grpcStatus: status === undefined ? undefined : Number(status),
      grpcMessage: message as string | undefined,
    };
  } finally {
    session.close();
  }
}

/** gRPC framing: flag byte, big-endian 32-bit length, message. */
export function frame(message: Uint8Array, flag = 0): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}
