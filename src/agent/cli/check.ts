import { credentials, type GrpcObject, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import type {
  CheckRequestMessage,
  CheckResponseMessage,
} from '../../transport/grpc/check-messages.js';
import { loadExternalAuthProtos } from '../../transport/grpc/load-protos.js';
import { signedRequestFromArgs } from './sign.js';

type CheckClient = {
  Check(
    request: CheckRequestMessage,
    metadata: Metadata,
    callback: (error: Error | null, response: CheckResponseMessage) => void,
  ): void;
  close(): void;
};

/**
 * `agent-authz check [--server host:port] <sign options> URL`: signs a request and asks a
 * running agent-authz about it exactly as Envoy would, then prints the answer. For trying the
 * service without Envoy.
 */
export async function check(args: string[]): Promise<void> {
  const serverIndex = args.indexOf('--server');
  const server = serverIndex === -1 ? '127.0.0.1:9191' : args[serverIndex + 1]!;
  const rest =
    serverIndex === -1 ? args : args.filter((_, i) => i !== serverIndex && i !== serverIndex + 1);
  const { method, url, headers, body, signature } = signedRequestFromArgs(rest);
  const request: CheckRequestMessage = {
    attributes: {
      request: {
        http: {
          method,
          scheme: url.protocol.slice(0, -1),
          host: url.host,
          path: `${url.pathname}${url.search}`,
          headers: {
            ...headers,
            ...signature,
            ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
          },
          ...(body === undefined ? {} : { body }),
        },
      },
    },
  };
  const response = await send(server, request);
  process.stdout.write(`${JSON.stringify(summarise(response), null, 2)}\n`);
}

function send(server: string, request: CheckRequestMessage): Promise<CheckResponseMessage> {
  const grpc = loadPackageDefinition(loadExternalAuthProtos()) as GrpcObject;
  const auth = ((grpc.envoy as GrpcObject).service as GrpcObject).auth as GrpcObject;
  const Client = (auth.v3 as GrpcObject).Authorization as unknown as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
  ) => CheckClient;
  const client = new Client(server, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.Check(request, new Metadata(), (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response);
    });
  });
}

function summarise(response: CheckResponseMessage) {
  if (response.ok_response) {
    return {
      decision: 'allow',
      headers: Object.fromEntries(
        response.ok_response.headers.map((h) => [h.header.key, h.header.value]),
      ),
      headersToRemove: response.ok_response.headers_to_remove ?? [],
    };
  }
  return {
    decision: 'deny',
    status: response.denied_response?.status.code,
    body: JSON.parse(response.denied_response?.body ?? '{}'),
  };
}
