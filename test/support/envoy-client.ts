import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { upstreamExternalAuth } from './upstream-protos.js';

/** A CheckResponse as decoded with Envoy's own protos (keepCase, enums as names). */
export interface UpstreamCheckResponse {
  status?: { code?: number; message?: string };
  http_response?: 'ok_response' | 'denied_response';
  ok_response?: {
    headers?: Array<{
      header: { key: string; value: string };
      append_action?: string;
      append?: unknown;
    }>;
    headers_to_remove?: string[];
  };
  denied_response?: {
    status?: { code?: string | number };
    headers?: Array<{ header: { key: string; value: string }; append_action?: string }>;
    body?: string;
  };
  dynamic_metadata?: { fields?: Record<string, unknown> };
}

export interface EnvoyClient {
  check(request: object, metadata?: Record<string, string>): Promise<UpstreamCheckResponse>;
  close(): void;
}

/**
 * A gRPC client that speaks to the server the way Envoy's ext_authz filter does, encoding with
 * Envoy's upstream protos rather than the project's own.
 */
export function createEnvoyClient(
  address: string,
  options: { ownConnection?: boolean } = {},
): EnvoyClient {
  const grpc = loadPackageDefinition(upstreamExternalAuth()) as GrpcObject;
  const v3 = (((grpc.envoy as GrpcObject).service as GrpcObject).auth as GrpcObject)
    .v3 as GrpcObject;
  const Authorization = v3.Authorization as ServiceClientConstructor;
  // grpc-js shares one connection among clients of a target unless told otherwise.
  const channelOptions = options.ownConnection ? { 'grpc.use_local_subchannel_pool': 1 } : {};
  const client = new Authorization(address, credentials.createInsecure(), channelOptions);
  return {
    check: (request, metadata = {}) =>
      new Promise((resolve, reject) => {
        const meta = new Metadata();
        for (const [key, value] of Object.entries(metadata)) meta.set(key, value);
        client.Check!(request, meta, (error: Error | null, response: UpstreamCheckResponse) =>
          error ? reject(error) : resolve(response),
        );
      }),
    close: () => client.close(),
  };
}

/** The upstream headers an ok_response sets, as a plain object. */
export function setHeaders(response: UpstreamCheckResponse): Record<string, string> {
  const headers = response.ok_response?.headers ?? [];
  return Object.fromEntries(headers.map(({ header }) => [header.key, header.value]));
}

/** The parsed problem+json body of a denial. */
export function problem(response: UpstreamCheckResponse): Record<string, unknown> {
  return JSON.parse(response.denied_response?.body ?? 'null') as Record<string, unknown>;
}

/** The `agent_authz` dynamic metadata, flattened to plain values. */
export function agentMetadata(response: UpstreamCheckResponse): Record<string, string | boolean> {
  const namespace = response.dynamic_metadata?.fields?.agent_authz as
    | { structValue?: { fields?: Record<string, { stringValue?: string; boolValue?: boolean }> } }
    | undefined;
  const fields = namespace?.structValue?.fields ?? {};
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, value.stringValue ?? value.boolValue ?? '']),
  );
}
