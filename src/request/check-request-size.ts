import { AuthzError } from '../errors.js';
import type { AuthzRequest, RequestCut } from './authz-request.js';

export interface RequestSizeLimits {
  /**
   * Header names and values of the request together, in characters — the bytes they came as
   * for the Latin-1 lines of the HTTP transport, at most those bytes for gRPC's UTF-8, whose
   * decoder bounds the bytes themselves.
   */
  readonly maxHeaderBytes: number;
  /** Header lines of the request; pseudo-headers are not among them. */
  readonly maxHeaderLines: number;
  /** One credential field (its lines joined as RFC 9421 §2.1 joins them), in characters. */
  readonly maxFieldBytes: number;
}

/**
 * The structured fields the check parses (RFC 8941 dictionaries and lists). Tokens are bounded
 * by `limits.maxTokenBytes` where they are read.
 */
const PARSED_FIELDS = ['signature-input', 'signature', 'signature-agent', 'content-digest'];

/** The denial's detail for each part a request can be too large in. */
const TOO_LARGE: Readonly<Record<RequestCut['part'], (max: number) => string>> = {
  'header-bytes': (max) =>
    `the request's header fields are larger than limits.maxHeaderBytes (${max})`,
  'header-lines': (max) => `the request has more header lines than limits.maxHeaderLines (${max})`,
  peer: (max) => `the peer principal or certificate is larger than limits.maxHeaderBytes (${max})`,
  fields: (max) =>
    `the request message has more fields than limits.maxHeaderLines leaves room for (${max})`,
};

function tooLarge(part: RequestCut['part'], max: number): AuthzError {
  return new AuthzError('headers_too_large', TOO_LARGE[part](max));
}

/**
 * Refuses a request too large to be worth parsing, before any field is parsed: one the
 * transport stopped reading at a bound, its header lines or their bytes together, or one of the
 * fields the check parses. Lengths are counted in characters without copying anything.
 */
export function checkRequestSize(request: AuthzRequest, limits: RequestSizeLimits): void {
  if (request.cut !== undefined) throw tooLarge(request.cut.part, request.cut.max);
  let total = 0;
  let lines = 0;
  for (const [name, values] of request.headers) {
    lines += values.length;
    for (const value of values) total += name.length + value.length;
  }
  if (total > limits.maxHeaderBytes) throw tooLarge('header-bytes', limits.maxHeaderBytes);
  if (lines > limits.maxHeaderLines) throw tooLarge('header-lines', limits.maxHeaderLines);
  for (const name of PARSED_FIELDS) {
    const values = request.headers.get(name);
    if (values !== undefined && joinedLength(values) > limits.maxFieldBytes) {
      throw new AuthzError(
        'headers_too_large',
        `the ${name} field is larger than limits.maxFieldBytes (${limits.maxFieldBytes})`,
      );
    }
  }
}

/** The length of the lines joined with ", " (an upper bound of the trimmed field value). */
function joinedLength(lines: readonly string[]): number {
  let length = 2 * (lines.length - 1);
  for (const line of lines) length += line.length;
  return length;
}
