import { describe, expect, it } from 'vitest';
import { healthStatus } from '../support/health-client.js';
import { listServices } from '../support/reflection-client.js';
import { useTestApp } from '../support/start-test-app.js';

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
  it('lists the Authorization and Health services', async () => {
    expect(await listServices(server.address)).toEqual(
      expect.arrayContaining(['envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']),
    );
  });
});
