import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgentAuthz, runCheck, startServerProcess } from '../support/cli-process.js';
import { healthStatus } from '../support/health-client.js';
import { listServices, serviceFileDescriptor } from '../support/reflection-client.js';
import { waitFor } from '../support/wait-for.js';

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
    'by listen.%s is one line naming the address and the setting to change, alone, and exit 2',
    async (listener) => {
      const taken = createServer().listen(0, '127.0.0.1');
      await once(taken, 'listening');
      const { port } = taken.address() as { port: number };
      const listen = { grpc: '127.0.0.1:0', http: '127.0.0.1:0', admin: '127.0.0.1:0' };
      const flags = Object.entries({ ...listen, [listener]: `127.0.0.1:${port}` });
      try {
        const { code, stdout, stderr } = await runAgentAuthz([
          'serve',
          ...flags.map(([name, address]) => `--listen.${name}=${address}`),
        ]);
        expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
        expect(stderr).toBe(
          `agent-authz serve: cannot listen on 127.0.0.1:${port}: address already in use; is ` +
            `another server running there? choose another address with --listen.${listener} HOST:PORT\n`,
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

describe('SIGHUP', () => {
  it('reads the policy file again at once and logs it, and the server keeps serving', async () => {
    const policy = join(dir, 'hup-policy.yaml');
    await writeFile(policy, 'unsigned: allow\n');
    const server = await startServerProcess([`--policy=${policy}`]);
    try {
      await writeFile(policy, 'unsigned: deny\n');
      server.child.kill('SIGHUP');
      await waitFor(() => server.stdout().includes('"policy reloaded"'), 10_000);
      const messages = server
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      const hangup = messages.indexOf('SIGHUP: reading the policy file again');
      // Read in the signal handler itself, not by the file watch that debounces for 400 ms.
      expect(messages.slice(hangup, hangup + 2)).toEqual([
        'SIGHUP: reading the policy file again',
        'policy reloaded',
      ]);
      const { code, stdout } = await runCheck(server.address, ['--unsigned', 'https://a.example/']);
      expect(code).toBe(1);
      expect(stdout).toContain('"reason": "credential_missing"');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('the log streams of agent-authz serve', () => {
  it('keep decision lines on stderr with --telemetry.decision-log=stderr, all lines with one time format', async () => {
    const server = await startServerProcess(['--telemetry.decision-log=stderr']);
    let errors = '';
    server.child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    try {
      await runCheck(server.address, ['--unsigned', 'https://a.example/']);
      await waitFor(() => errors.includes('"kind":"decision"'), 5000);
      const parse = (text: string) =>
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { time: unknown; kind?: string });
      const operational = parse(server.stdout());
      const decisions = parse(errors);
      // Nothing but warnings before every listener is bound: a failed start prints only its error.
      const messages = operational.map((line) => (line as { msg?: string }).msg ?? '');
      const listening = messages.indexOf('agent-authz listening');
      expect(listening).toBeGreaterThanOrEqual(0);
      expect(messages.slice(0, listening)).toEqual(['HTTP ext_authz listening']);
      expect(messages.slice(listening + 1, listening + 3)).toEqual([
        'no policy file: the embedded default policy applies (docs/policy.md)',
        expect.stringMatching(/^replay capacity: at most \d+ signed requests per second/),
      ]);
      expect(operational.filter((line) => line.kind === 'decision')).toEqual([]);
      expect(decisions.map((line) => line.kind)).toEqual(['decision']);
      for (const { time } of [...operational, ...decisions]) {
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
