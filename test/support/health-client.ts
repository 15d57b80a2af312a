import { createRequire } from 'node:module';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** `grpc.health.v1.Health/Check` for one service name; resolves to the status name. */
export function healthStatus(address: string, service = ''): Promise<string> {
  const { protoPath } = require('grpc-health-check') as { protoPath: string };
  const grpc = loadPackageDefinition(loadSync(protoPath, { enums: String })) as GrpcObject;
  const v1 = ((grpc.grpc as GrpcObject).health as GrpcObject).v1 as GrpcObject;
  const Health = v1.Health as ServiceClientConstructor;
  const client = new Health(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.Check!({ service }, (error: Error | null, response: { status: string }) => {
      client.close();
      if (error) reject(error);
      else resolve(response.status);
    });
  });
}
