import { createRequire } from 'node:module';
import { protoClient } from './health-client.js';

const require = createRequire(import.meta.url);

type Reply = {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_message: string };
};

/** One grpc.reflection.v1 request/answer, as grpcurl makes them. */
function reflect(address: string, request: Record<string, string>): Promise<Reply> {
  const protoPath = require.resolve(
    '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
  );
  const client = protoClient(protoPath, 'grpc.reflection.v1.ServerReflection', address, {
    keepCase: true,
  });
  return new Promise<Reply>((resolve, reject) => {
    const call = client.ServerReflectionInfo!();
    call.on('data', (reply: Reply) => {
      resolve(reply);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  }).finally(() => client.close());
}

/** `grpcurl list`: the services reflection names. */
export async function listServices(address: string): Promise<string[]> {
  const reply = await reflect(address, { list_services: '' });
  return reply.list_services_response?.service.map((service) => service.name) ?? [];
}

/** `grpcurl describe SERVICE`: the serialized file descriptor that defines the service. */
export async function serviceFileDescriptor(address: string, service: string): Promise<Buffer> {
  const reply = await reflect(address, { file_containing_symbol: service });
  const [file] = reply.file_descriptor_response?.file_descriptor_proto ?? [];
  if (file === undefined) throw new Error(reply.error_response?.error_message ?? 'no descriptor');
  return file;
}
