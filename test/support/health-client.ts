import { createRequire } from 'node:module';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** A client for `service` (a dotted name such as `grpc.health.v1.Health`) from a proto file. */
export function protoClient(
  protoPath: string,
  service: string,
  address: string,
  options: Options = {},
) {
  let node: unknown = loadPackageDefinition(loadSync(protoPath, options)) as GrpcObject;
  for (const part of service.split('.')) node = (node as Record<string, unknown>)[part];
  return new (node as ServiceClientConstructor)(address, credentials.createInsecure());
}

/** `grpc.health.v1.Health/Check` for one service name; resolves to the status name. */
export function healthStatus(address: string, service = ''): Promise<string> {
  const { protoPath } = require('grpc-health-check') as { protoPath: string };
  const client = protoClient(protoPath, 'grpc.health.v1.Health', address, { enums: String });
  return new Promise((resolve, reject) => {
    client.Check!({ service }, (error: Error | null, response: { status: string }) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    });
  });
}
