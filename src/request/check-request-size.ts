import { AuthzError } from '../errors.js';
import type { AuthzRequest } from './authz-request.js';

export interface RequestSizeLimits {
  /** Header names and values of the request together, in characters. */
  readonly maxHeaderBytes: number;
  /** One credential field (its lines joined as RFC 9421 §2.1 joins them), in characters. */
  readonly maxFieldBytes: number;
}

/**
 * The structured fields the check parses (RFC 8941 dictionaries and lists). Tokens are bounded
 * by `limits.maxTokenBytes` where they are read.
 */
const PARSED_FIELDS = ['signature-input', 'signature', 'signature-agent', 'content-digest'];

/**
 * Refuses a request too large to be worth parsing, before any field is parsed: its headers
 * together, or one of the fields the check parses. Lengths are counted in characters (bytes for
 * the ASCII field values a credential consists of) without copying anything.
 */
export function checkRequestSize(request: AuthzRequest, limits: RequestSizeLimits): void {
  let total = 0;
  for (const [name, lines] of request.headers) {
    for (const line of lines) total += name.length + line.length;
  }
  if (total > limits.maxHeaderBytes) {
    throw new AuthzError(
      'headers_too_large',
      `the request's header fields are larger than limits.maxHeaderBytes (${limits.maxHeaderBytes})`,
    );
  }
  for (const name of PARSED_FIELDS) {
    const lines = request.headers.get(name);
    if (lines !== undefined && joinedLength(lines) > limits.maxFieldBytes) {
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
