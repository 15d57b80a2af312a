/** The gRPC status codes the native server answers with (grpc/doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/**
 * A call ended with a non-OK status. `details` becomes `grpc-message`: it is written by this
 * server (never copied from the request) and carries no credential.
 */
export class GrpcCallError extends Error {
  readonly code: number;
  readonly details: string;

  constructor(code: number, details: string) {
    super(details);
    this.code = code;
    this.details = details;
    this.name = 'GrpcCallError';
  }
}

/**
 * `grpc-message` is percent-encoded (PROTOCOL-HTTP2.md): UTF-8 bytes outside 0x20–0x7E, and
 * `%` itself, become `%XX`.
 */
export function encodeGrpcMessage(text: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(text)) return text;
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    encoded +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** The trailers (or trailers-only headers) that end a call. */
export function statusTrailers(code: number, details: string): Record<string, string> {
  return details === ''
    ? { 'grpc-status': String(code) }
    : { 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(details) };
}
