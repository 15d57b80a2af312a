import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { healthStatus, protoClient } from '../support/health-client.js';
import { useTestApp } from '../support/start-test-app.js';

const require = createRequire(import.meta.url);
const server = useTestApp();

describe('grpc.health.v1.Health', () => {
  it('reports SERVING for the server and for the Authorization service once listening', async () => {
    expect(await healthStatus(server.address)).toBe('SERVING');
    expect(await healthStatus(server.address, 'envoy.service.auth.v3.Authorization')).toBe(
      'SERVING',
    );
  });
});

describe('server reflection', () => {
  it('lists the Authorization, Health and reflection services', async () => {
    const protoPath = require.resolve(
      '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
    );
    const client = protoClient(protoPath, 'grpc.reflection.v1.ServerReflection', server.address, {
      keepCase: true,
    });
    const services = await new Promise<string[]>((resolve, reject) => {
      const call = client.ServerReflectionInfo!();
      call.on(
        'data',
        (reply: { list_services_response?: { service: Array<{ name: string }> } }) => {
          resolve(reply.list_services_response?.service.map((s) => s.name) ?? []);
          call.end();
        },
      );
      call.on('error', reject);
      call.write({ list_services: '' });
    });
    client.close();
    expect(services).toContain('envoy.service.auth.v3.Authorization');
  });
});
