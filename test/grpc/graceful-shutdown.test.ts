import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import { startGrpcTransport } from '../../src/transport/grpc/grpc-server.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { createEnvoyClient } from '../support/envoy-client.js';
import { healthStatus } from '../support/health-client.js';
import { signedCheck } from '../support/signed-check.js';

const allow: Decision = { allowed: true, identity: { verified: false, profile: 'unsigned' } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SERVERS = ['native', 'grpc-js'] as const;

describe.each(SERVERS)('draining the gRPC transport on %s', (server) => {
  it('reports NOT_SERVING, finishes checks in flight, then refuses new ones', async () => {
    const transport = await startGrpcTransport(
      '127.0.0.1:0',
      async () => {
        await sleep(400);
        return allow;
      },
      { server },
    );
    const address = `127.0.0.1:${transport.port}`;
    const client = createEnvoyClient(address);
    const request = envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' });
    const inFlight = client.check(request);
    await sleep(50);
    const drained = transport.drain({ delayMs: 150, timeoutMs: 5000 });
    expect(await healthStatus(address)).toBe('NOT_SERVING');
    const answered = await inFlight;
    expect(answered.ok_response).toBeDefined();
    await drained;
    await expect(client.check(request)).rejects.toThrow();
    client.close();
  });
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

describe.each(SERVERS)('the agent-authz process on SIGTERM, gRPC on %s', (server) => {
  it('answers every check already sent and exits 0', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        'bin/agent-authz.js',
        'serve',
        `--listen.grpc=127.0.0.1:${port}`,
        '--listen.admin=127.0.0.1:0',
        '--listen.http=127.0.0.1:0',
        `--grpc.server=${server}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = once(child, 'exit');
    while (!output.includes('agent-authz listening')) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
      await sleep(20);
    }
    const client = createEnvoyClient(`127.0.0.1:${port}`);
    const created = Math.floor(Date.now() / 1000);
    const signed = (i: number) =>
      signedCheck({ method: 'GET', url: `https://api.example.com/items/${i}` }, created).request();
    // Connect first, as Envoy's long-lived connection would be, so the batch is on the wire.
    expect((await client.check(signed(-1))).ok_response).toBeDefined();
    let answered = 0;
    const checks = Array.from({ length: 200 }, (_, i) =>
      client.check(signed(i)).finally(() => answered++),
    );
    // SIGTERM lands while the server is part-way through the batch.
    await Promise.race(checks);
    child.kill('SIGTERM');
    expect(answered).toBeLessThan(200);
    const responses = await Promise.all(checks);
    expect(responses.every((response) => response.ok_response !== undefined)).toBe(true);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('draining');
    client.close();
  });
});
