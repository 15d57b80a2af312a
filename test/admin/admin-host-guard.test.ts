import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp(['--admin.allowed-hosts=agent-authz.mesh.svc']);
});
afterAll(() => app.stop());

/** GET on the admin port with this Host header (fetch would set its own). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: app.adminPort, path, method: 'GET', headers: { host } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('the admin API behind a DNS-rebinding guard', () => {
  it('answers requests addressed to localhost or an IP address, as probes and port-forwards send them', async () => {
    for (const host of ['localhost:9193', '127.0.0.1:9193', '10.0.0.7:9193', '[::1]:9193']) {
      expect((await getWithHost('/healthz', host)).status, host).toBe(200);
    }
  });

  it('refuses a rebinding page: 421 for a name it was not told about, on every route', async () => {
    for (const path of ['/healthz', '/v1/agents', '/metrics', '/']) {
      const reply = await getWithHost(path, 'rebind.attacker.example:9193');
      expect(reply.status, path).toBe(421);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 421, title: 'Misdirected request' });
    }
  });

  it('answers a name listed in admin.allowedHosts', async () => {
    expect((await getWithHost('/healthz', 'agent-authz.mesh.svc:9193')).status).toBe(200);
  });
});
