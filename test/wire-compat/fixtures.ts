import { createHash } from 'node:crypto';

/**
 * Messages in the object form @grpc/proto-loader takes with the upstream Envoy protos (keepCase,
 * longs and enums as strings). google.protobuf types keep protobufjs's camelCase field names.
 */

export const REQUEST_ID = '7c1f9a52-3e0b-4d8e-9b61-2f4a0c8d5e17';
export const BODY = '{"item":"isbn:9780262046305","quantity":2}';
export const SOURCE_PRINCIPAL = 'spiffe://cluster.local/ns/agents/sa/research-agent';
/** Envoy sends the peer certificate URL-encoded (`include_peer_certificate: true`). */
export const SOURCE_CERTIFICATE = encodeURIComponent(
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ3m0\n-----END CERTIFICATE-----\n',
);
export const CONTEXT_EXTENSIONS = { zone: 'internal', route: 'orders-write' };

const CONTENT_DIGEST = `sha-256=:${createHash('sha256').update(BODY).digest('base64')}:`;

/** Header lines in arrival order, as `header_map` carries them with `encode_raw_headers`. */
export const HEADER_LINES: ReadonlyArray<readonly [string, string]> = [
  [':authority', 'api.example.com:8443'],
  [':path', '/orders/42/items?expand=price&limit=10'],
  [':method', 'POST'],
  [':scheme', 'https'],
  ['content-type', 'application/json'],
  ['content-length', String(Buffer.byteLength(BODY))],
  ['accept', 'application/json'],
  ['accept', 'text/plain;q=0.5'],
  ['content-digest', CONTENT_DIGEST],
  [
    'signature-input',
    'sig1=("@method" "@authority" "@path" "@query" "content-digest");created=1700000000;keyid="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";nonce="n-6f1c";tag="agent-authz"',
  ],
  ['signature', 'sig1=:mR9vVq0bW3u0bQm6H8a3bCqkL1m0v7t5p0WZ6jv3YxQ5nQ2fJzH1tGkq0c0yB5Ww==:'],
  ['user-agent', 'research-agent/1.4'],
  ['x-forwarded-proto', 'https'],
  ['x-request-id', REQUEST_ID],
  ['x-envoy-auth-partial-body', 'false'],
];

/** The `headers` map Envoy sends without `encode_raw_headers`: repeated lines joined by ",". */
function joinedHeaders(): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of HEADER_LINES) {
    joined[name] = name in joined ? `${joined[name]},${value}` : value;
  }
  return joined;
}

const peerAddress = (address: string, port: number) => ({
  socket_address: { address, port_value: port },
});

/**
 * A CheckRequest with every AttributeContext field Envoy can fill. Envoy sends `headers` or
 * `header_map`, `body` or `raw_body`, and always leaves `query` and `fragment` empty; here all
 * are set so each crosses the wire.
 */
export function fullCheckRequest(): object {
  return {
    attributes: {
      source: {
        address: peerAddress('10.1.2.3', 53122),
        service: 'research-agent.agents.svc.cluster.local',
        labels: { app: 'research-agent', version: 'v1.4' },
        principal: SOURCE_PRINCIPAL,
        certificate: SOURCE_CERTIFICATE,
      },
      destination: {
        address: peerAddress('10.1.9.9', 8443),
        service: 'orders.api.svc.cluster.local',
        labels: { app: 'orders' },
        principal: 'spiffe://cluster.local/ns/api/sa/orders',
      },
      request: {
        time: { seconds: '1700000001', nanos: 250000000 },
        http: {
          id: REQUEST_ID,
          method: 'POST',
          headers: joinedHeaders(),
          header_map: {
            headers: HEADER_LINES.map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
          },
          path: '/orders/42/items?expand=price&limit=10',
          host: 'api.example.com:8443',
          scheme: 'https',
          query: 'expand=price&limit=10',
          fragment: 'summary',
          size: String(Buffer.byteLength(BODY)),
          protocol: 'HTTP/2',
          body: BODY,
          raw_body: Buffer.from(BODY),
        },
      },
      context_extensions: CONTEXT_EXTENSIONS,
      metadata_context: {
        filter_metadata: {
          'envoy.filters.http.jwt_authn': struct({
            sub: { stringValue: 'research-agent' },
            exp: { numberValue: 1700003600 },
            verified: { boolValue: true },
          }),
        },
        typed_filter_metadata: {
          'envoy.filters.http.rbac': stringValueAny('shadow_engine_result=allowed'),
        },
      },
      route_metadata_context: {
        filter_metadata: {
          'envoy.filters.http.ext_authz': struct({ policy: { stringValue: 'orders-write' } }),
        },
      },
      tls_session: { sni: 'api.example.com' },
    },
  };
}

function struct(fields: Record<string, object>): object {
  return { fields };
}

/** google.protobuf.Any holding a google.protobuf.StringValue (field 1, length-delimited). */
function stringValueAny(value: string): object {
  const bytes = Buffer.from(value);
  return {
    type_url: 'type.googleapis.com/google.protobuf.StringValue',
    value: Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]),
  };
}

const headerOption = (key: string, value: string) => ({
  header: { key, value },
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
  keep_empty_value: true,
});

/** google.rpc.Status with a detail, as any ext_authz server may send it. */
const STATUS_DETAIL = {
  type_url: 'type.googleapis.com/google.protobuf.StringValue',
  value: Buffer.from([0x0a, 0x02, 0x6f, 0x6b]),
};

/** A CheckResponse with every field of OkHttpResponse the project declares. */
export function fullOkResponse(): object {
  return {
    status: { code: 0, message: 'allowed', details: [STATUS_DETAIL] },
    ok_response: {
      headers: [
        headerOption('x-agent-id', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'),
        { header: { key: 'x-agent-raw', raw_value: Buffer.from('r\u00e9sum\u00e9') } },
        // The deprecated BoolValue `append`, which Envoy still honours when append_action is unset.
        { header: { key: 'x-agent-trace', value: '' }, append: { value: true } },
        { header: { key: 'x-agent-zone', value: 'internal' }, append_action: 'ADD_IF_ABSENT' },
      ],
      headers_to_remove: ['x-agent-admin', 'x-agent-scope'],
      dynamic_metadata: struct({ legacy: { stringValue: 'deprecated-but-on-the-wire' } }),
      response_headers_to_add: [headerOption('x-agent-decision', 'allow')],
      query_parameters_to_set: [{ key: 'agent', value: 'research-agent' }],
      query_parameters_to_remove: ['access_token', 'debug'],
    },
    dynamic_metadata: everyValueKind(),
  };
}

/** A CheckResponse with every field of DeniedHttpResponse, and a status code we never send. */
export function fullDeniedResponse(): object {
  return {
    status: { code: 7, message: 'zone_denied', details: [STATUS_DETAIL] },
    denied_response: {
      status: { code: 'PayloadTooLarge' },
      headers: [headerOption('content-type', 'application/problem+json')],
      body: '{"reason":"zone_denied"}',
    },
    dynamic_metadata: everyValueKind(),
  };
}

/** A Struct using each google.protobuf.Value kind. */
function everyValueKind(): object {
  return struct({
    agent_authz: {
      structValue: struct({
        decision: { stringValue: 'allow' },
        verified: { boolValue: true },
        score: { numberValue: 0.75 },
        revoked_at: { nullValue: 'NULL_VALUE' },
        scopes: { listValue: { values: [{ stringValue: 'orders:write' }, { numberValue: 2 }] } },
      }),
    },
  });
}

/** google.protobuf.Struct as proto-loader decodes it (with `oneofs: true`). */
export interface StructObject {
  fields?: Record<string, ValueObject>;
}

interface ValueObject {
  stringValue?: string;
  boolValue?: boolean;
  numberValue?: number;
  nullValue?: unknown;
  structValue?: StructObject;
  listValue?: { values?: ValueObject[] };
}

/** A decoded Struct as a plain object, to assert on. */
export function plainStruct(
  struct: { fields?: Record<string, unknown> } | undefined,
): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) {
    plain[key] = plainValue(value as ValueObject);
  }
  return plain;
}

function plainValue(value: ValueObject): unknown {
  if (value.structValue !== undefined) return plainStruct(value.structValue);
  if (value.listValue !== undefined) return (value.listValue.values ?? []).map(plainValue);
  if (value.nullValue !== undefined) return null;
  return value.stringValue ?? value.boolValue ?? value.numberValue;
}
