import { createRequire } from 'node:module';
import { protoClient } from './health-client.js';

const require = createRequire(import.meta.url);

type Reply = {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_message: string };
};

export type ReflectionVersion = 'v1' | 'v1alpha';

/** One grpc.reflection request/answer, as grpcurl makes them (v1 unless told). */
function reflect(
  address: string,
  request: Record<string, string>,
  version: ReflectionVersion = 'v1',
): Promise<Reply> {
  const protoPath = require.resolve(
    `@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`,
  );
  const client = protoClient(protoPath, `grpc.reflection.${version}.ServerReflection`, address, {
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
export async function listServices(
  address: string,
  version: ReflectionVersion = 'v1',
): Promise<string[]> {
  const reply = await reflect(address, { list_services: '' }, version);
  return reply.list_services_response?.service.map((service) => service.name) ?? [];
}

/** `grpcurl describe SERVICE`: the serialized file descriptor that defines the service. */
export async function serviceFileDescriptor(address: string, service: string): Promise<Buffer> {
  const reply = await reflect(address, { file_containing_symbol: service });
  const [file] = reply.file_descriptor_response?.file_descriptor_proto ?? [];
  if (file === undefined) throw new Error(reply.error_response?.error_message ?? 'no descriptor');
  return file;
}
