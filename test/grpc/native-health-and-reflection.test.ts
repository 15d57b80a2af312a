import { createRequire } from 'node:module';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthStatus, protoClient } from '../support/health-client.js';
import { listServices, serviceFileDescriptor } from '../support/reflection-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

const require = createRequire(import.meta.url);
const AUTHORIZATION = 'envoy.service.auth.v3.Authorization';

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp(['--grpc.server=native']);
});
afterAll(async () => {
  await server.stop().catch(() => {});
});

describe('grpc.health.v1.Health and reflection on the native server, called by grpc-js', () => {
  it('answers Health/Check for the server and the Authorization service, NOT_FOUND for others', async () => {
    expect(await healthStatus(server.address)).toBe('SERVING');
    expect(await healthStatus(server.address, AUTHORIZATION)).toBe('SERVING');
    await expect(healthStatus(server.address, 'no.such.Service')).rejects.toMatchObject({
      code: 5,
    });
  });

  it.each(['v1', 'v1alpha'] as const)(
    'lists the Authorization and Health services through reflection %s',
    async (version) => {
      expect(await listServices(server.address, version)).toEqual(
        expect.arrayContaining([AUTHORIZATION, 'grpc.health.v1.Health']),
      );
    },
  );

  it('describes the Authorization service with a file descriptor that declares Check', async () => {
    const bytes = await serviceFileDescriptor(server.address, AUTHORIZATION);
    const { FileDescriptorProto } = require('protobufjs/ext/descriptor/index.js') as {
      FileDescriptorProto: protobuf.Type;
    };
    const file = FileDescriptorProto.toObject(FileDescriptorProto.decode(bytes)) as {
      package: string;
      service: Array<{ name: string; method: Array<{ name: string; inputType: string }> }>;
    };
    expect(file.package).toBe('envoy.service.auth.v3');
    const service = file.service.find(({ name }) => name === 'Authorization');
    expect(service?.method.map(({ name, inputType }) => [name, inputType])).toEqual([
      ['Check', '.envoy.service.auth.v3.CheckRequest'],
    ]);
  });

  it('streams Health/Watch: SERVING, then NOT_SERVING when the server drains, then ends', async () => {
    const { protoPath } = require('grpc-health-check') as { protoPath: string };
    const client = protoClient(protoPath, 'grpc.health.v1.Health', server.address, {
      enums: String,
    });
    const watch = client.Watch!({ service: '' }) as ClientReadableStream<{ status: string }>;
    const statuses: string[] = [];
    const ended = new Promise<{ code?: number }>((resolve) => {
      watch.on('error', (error: { code?: number }) => resolve(error));
      watch.on('end', () => resolve({ code: 0 }));
    });
    await new Promise<void>((resolve) =>
      watch.on('data', ({ status }: { status: string }) => {
        statuses.push(status);
        resolve();
      }),
    );
    expect(statuses).toEqual(['SERVING']);
    await server.stop();
    const end = await ended;
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    expect(end.code).toBe(14);
    client.close();
  });
});
