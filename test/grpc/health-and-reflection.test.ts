import { describe, expect, it } from 'vitest';
import { healthStatus } from '../support/health-client.js';
import { listServices } from '../support/reflection-client.js';
import { useTestApp } from '../support/start-test-app.js';

// The native server (the default) has its own file: native-health-and-reflection.test.ts.
const server = useTestApp(['--grpc.server=grpc-js']);

describe('grpc.health.v1.Health on grpc-js', () => {
  it('reports SERVING for the server and for the Authorization service once listening', async () => {
    expect(await healthStatus(server.address)).toBe('SERVING');
    expect(await healthStatus(server.address, 'envoy.service.auth.v3.Authorization')).toBe(
      'SERVING',
    );
  });
});

describe('server reflection on grpc-js', () => {
  it('lists the Authorization and Health services', async () => {
    expect(await listServices(server.address)).toEqual(
      expect.arrayContaining(['envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']),
    );
  });
});
