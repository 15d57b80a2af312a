import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentAuthz, runCheck, startServerProcess } from '../support/cli-process.js';
import { healthStatus } from '../support/health-client.js';
import { listServices, serviceFileDescriptor } from '../support/reflection-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-serve-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a relative policy path in the config file', () => {
  it("is read against the config file's folder, not the working directory", async () => {
    await mkdir(join(dir, 'deploy', 'policies'), { recursive: true });
    await writeFile(join(dir, 'deploy', 'policies', 'strict.yaml'), 'unsigned: deny\n');
    await writeFile(join(dir, 'deploy', 'agent-authz.yaml'), 'policy: policies/strict.yaml\n');
    const server = await startServerProcess(['--config', 'deploy/agent-authz.yaml'], { cwd: dir });
    try {
      const { code, stdout } = await runCheck(server.address, [
        '--unsigned',
        'https://api.example.com/',
      ]);
      expect(code).toBe(1);
      expect(stdout).toContain('"reason": "credential_missing"');
    } finally {
      await server.stop();
    }
  });
});

describe('SIGTERM while stdout is a closed pipe (agent-authz serve | head -1)', () => {
  it('still answers checks, then exits within shutdown.timeout', async () => {
    const server = await startServerProcess(['--shutdown.timeout=2s']);
    server.child.stdout.destroy();
    // The next log lines hit EPIPE; checks go on.
    expect(await healthStatus(server.address)).toBe('SERVING');
    const exited = once(server.child, 'exit');
    const started = Date.now();
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 30_000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // shutdown.timeout plus the one-second grace, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(2000 + 1000 + 5000);
  });
});

describe('a port already in use', () => {
  it.each(['grpc', 'http', 'admin'])(
    'by listen.%s is one line naming the address, and exit 2',
    async (listener) => {
      const taken = createServer().listen(0, '127.0.0.1');
      await once(taken, 'listening');
      const { port } = taken.address() as { port: number };
      const listen = { grpc: '127.0.0.1:0', http: '127.0.0.1:0', admin: '127.0.0.1:0' };
      const flags = Object.entries({ ...listen, [listener]: `127.0.0.1:${port}` });
      try {
        const { code, stderr } = await runAgentAuthz([
          'serve',
          ...flags.map(([name, address]) => `--listen.${name}=${address}`),
        ]);
        expect(code).toBe(2);
        expect(stderr).toBe(
          `agent-authz serve: listen 127.0.0.1:${port}: address already in use\n`,
        );
      } finally {
        taken.close();
      }
    },
  );
});

describe('server reflection of the agent-authz process', () => {
  it('lists grpc.health.v1.Health beside the Authorization service and serves its descriptor', async () => {
    const server = await startServerProcess();
    try {
      const services = await listServices(server.address);
      expect(services).toEqual(
        expect.arrayContaining(['envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']),
      );
      const descriptor = await serviceFileDescriptor(server.address, 'grpc.health.v1.Health');
      expect(descriptor.toString('latin1')).toContain('grpc.health.v1');
      expect(descriptor.toString('latin1')).toContain('HealthCheckRequest');
    } finally {
      await server.stop();
    }
  });
});
