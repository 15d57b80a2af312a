import { trimOws } from './field-bytes.js';

/**
 * The transport-independent view of one request Envoy asks about. Both transports build it;
 * every later stage reads only this.
 */

/** Header field lines by lowercase name, in the order Envoy reported them. */
export type HeaderFields = ReadonlyMap<string, readonly string[]>;

export interface PeerIdentity {
  /** SPIFFE id or certificate subject Envoy reports for an mTLS peer; '' when none. */
  readonly principal: string;
  /** URL-encoded PEM of the peer certificate (`include_peer_certificate: true`); '' when none. */
  readonly certificate: string;
  /** `ip:port` of the peer, for logs only; '' when unknown. */
  readonly address: string;
}

export interface RequestBody {
  readonly bytes: Uint8Array;
  /** Envoy cut the body at `max_request_bytes` (`allow_partial_message: true`). */
  readonly truncated: boolean;
}

/**
 * Where a transport stopped reading a request because it passed a bound (`limits`): the parts
 * past it were never built, so the request is incomplete and is denied `headers_too_large`
 * before anything in it is parsed. `max` is the bound that was passed.
 */
export interface RequestCut {
  /**
   * `header-bytes`: header names and values (`limits.maxHeaderBytes`); `header-lines`: header
   * lines (`limits.maxHeaderLines`); `peer`: the peer principal or certificate, each bounded
   * like the header fields; `fields`: the parts of the message in all, of any kind.
   */
  readonly part: 'header-bytes' | 'header-lines' | 'peer' | 'fields';
  readonly max: number;
}

export interface AuthzRequest {
  /** Upper-case method, for policy matching (`methods: [GET]`). */
  readonly method: string;
  /** The method exactly as received: what RFC 9421 `@method` signs (§2.2.1). */
  readonly receivedMethod: string;
  /** Lower-case scheme, `http` or `https`. */
  readonly scheme: string;
  /** Host and optional port as the client sent them (`:authority`). */
  readonly authority: string;
  /** The path without its query, never empty. */
  readonly path: string;
  /** The query without its `?`, or null when the request had none. */
  readonly query: string | null;
  /** Regular header fields; pseudo-headers are not included. */
  readonly headers: HeaderFields;
  /** The body when Envoy forwarded it (`with_request_body`), else null. */
  readonly body: RequestBody | null;
  readonly source: PeerIdentity;
  /** Envoy per-route `context_extensions`. */
  readonly contextExtensions: Readonly<Record<string, string>>;
  /** Envoy's request id (`x-request-id`), for correlation. */
  readonly requestId: string;
  /** Set when the transport stopped reading the request at a bound. */
  readonly cut?: RequestCut;
}

/**
 * RFC 9421 §2.1: each field line stripped of leading and trailing OWS (SP, HTAB), the lines
 * joined with ", ". Undefined when absent.
 */
export function fieldValue(headers: HeaderFields, name: string): string | undefined {
  const lines = headers.get(name);
  if (lines === undefined || lines.length === 0) return undefined;
  if (lines.length === 1) return trimOws(lines[0]!);
  return lines.map(trimOws).join(', ');
}

/** Whether the request carries (or declares) a body at all. */
export function declaresBody(request: AuthzRequest): boolean {
  if (request.body !== null && request.body.bytes.length > 0) return true;
  if (request.headers.has('transfer-encoding')) return true;
  const length = fieldValue(request.headers, 'content-length');
  return length !== undefined && length !== '0';
}
