import { credentials, type GrpcObject, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { CheckResponseMessage } from '../transport/grpc/check-messages.js';
import { EXTERNAL_AUTH_PROTO, LOADER_OPTIONS } from '../transport/grpc/load-protos.js';
import type { Authorizer } from './start-demo-front.js';

type CheckClient = {
  Check(
    request: object,
    metadata: Metadata,
    callback: (error: Error | null, response: CheckResponseMessage) => void,
  ): void;
};

/**
 * Envoy's `grpc_service` with `encode_raw_headers: true`: a CheckRequest carrying each header
 * line in `header_map`, the pseudo-headers, and the body as bytes, sent to agent-authz's gRPC
 * transport at `address`; the CheckResponse's ok or denied response applied as Envoy would.
 */
export function askOverGrpc(address: string): Authorizer & { close(): void } {
  // enums as numbers: the denied response's HTTP status is an enum of status codes.
  const definition = loadSync(EXTERNAL_AUTH_PROTO, { ...LOADER_OPTIONS, enums: Number });
  const grpc = loadPackageDefinition(definition) as GrpcObject;
  const v3 = (((grpc.envoy as GrpcObject).service as GrpcObject).auth as GrpcObject)
    .v3 as GrpcObject;
  const Client = v3.Authorization as unknown as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => CheckClient;
  const client = new Client(address, credentials.createInsecure());
  const authorize: Authorizer = async (method, target, headers, body) => {
    const host = String(headers.host ?? '');
    const lines: Array<[string, string]> = [
      [':authority', host],
      [':path', target],
      [':method', method],
      [':scheme', 'http'],
    ];
    for (const [name, value] of Object.entries(headers)) {
      for (const line of Array.isArray(value) ? value : [value]) lines.push([name, line]);
    }
    lines.push(['content-length', String(body.length)]);
    const request = {
      attributes: {
        request: {
          http: {
            id: String(headers['x-request-id'] ?? ''),
            method,
            path: target,
            host,
            scheme: 'http',
            header_map: {
              headers: lines.map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
            },
            ...(body.length > 0 ? { raw_body: body } : {}),
          },
        },
      },
    };
    const response = await new Promise<CheckResponseMessage>((resolve, reject) =>
      client.Check(request, new Metadata(), (error, answer) =>
        error ? reject(error) : resolve(answer),
      ),
    );
    if (response.ok_response !== undefined || (response.status?.code ?? 0) === 0) {
      const ok = response.ok_response;
      const set = Object.fromEntries(
        (ok?.headers ?? []).map(({ header }) => [header.key, header.value]),
      );
      return { allowed: true, set, remove: ok?.headers_to_remove ?? [] };
    }
    const denied = response.denied_response;
    return {
      allowed: false,
      status: Number(denied?.status.code ?? 403),
      headers: Object.fromEntries(
        (denied?.headers ?? []).map(({ header }) => [header.key, header.value]),
      ),
      body: Buffer.from(denied?.body ?? ''),
    };
  };
  return Object.assign(authorize, {
    close: () => (client as unknown as { close(): void }).close(),
  });
}
