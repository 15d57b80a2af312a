import type { RequestCut } from '../../request/authz-request.js';

/**
 * The decoded shapes of the ext_authz messages, as @grpc/proto-loader produces them with
 * `keepCase: true` (snake_case fields, bytes as Buffer, oneofs named). Only what we read or
 * write is typed.
 */

export interface HeaderValueMessage {
  key?: string;
  value?: string;
  raw_value?: Buffer;
}

export interface PeerMessage {
  address?: { socket_address?: { address?: string; port_value?: number } };
  principal?: string;
  certificate?: string;
}

export interface HttpRequestMessage {
  id?: string;
  method?: string;
  headers?: Record<string, string>;
  header_map?: { headers?: HeaderValueMessage[] };
  path?: string;
  host?: string;
  scheme?: string;
  query?: string;
  body?: string;
  raw_body?: Buffer;
  /**
   * Decoder only: the `body` field when it is longer than `limits.maxDigestBodyBytes`, as the
   * bytes it came as. Such a body is never hashed, so it is never decoded into a string.
   */
  long_body?: Buffer;
}

export interface CheckRequestMessage {
  attributes?: {
    source?: PeerMessage;
    destination?: PeerMessage;
    request?: { http?: HttpRequestMessage };
    context_extensions?: Record<string, string>;
  };
  /** Decoder only: where it stopped building the request at a bound. */
  cut?: RequestCut;
}

/**
 * google.protobuf.Value. The well-known types come from protobufjs's bundled descriptors, whose
 * field names are camelCase whatever `keepCase` says.
 */
export interface StructValue {
  stringValue?: string;
  boolValue?: boolean;
  numberValue?: number;
  structValue?: StructMessage;
}

export interface StructMessage {
  fields: Record<string, StructValue>;
}

export interface HeaderValueOptionMessage {
  header: { key: string; value: string };
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD';
}

export interface DeniedHttpResponseMessage {
  status: { code: number };
  headers: HeaderValueOptionMessage[];
  body: string;
}

export interface CheckResponseMessage {
  status: { code: number; message?: string };
  ok_response?: { headers: HeaderValueOptionMessage[]; headers_to_remove: string[] };
  denied_response?: DeniedHttpResponseMessage;
  /**
   * CheckResponse.error_response (field 5, Envoy 1.37+): the same answer, marked as the
   * authorizer's own failure. Encoded after denied_response, in the same oneof (see the encoder).
   */
  error_response?: DeniedHttpResponseMessage;
  dynamic_metadata: StructMessage;
}
