import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { agentMetadata, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec } from '../wire-compat/descriptors.js';

/*
 * The C-core gRPC client (Debian's python3-grpcio, the same core Envoy's Google gRPC client and
 * most non-Go clients use) as a caller of both gRPC servers. Debian's /usr/bin/python3, not the
 * python3 first on PATH: that is where the package installs. .ci/run installs it.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/call_authz.py', import.meta.url));
const grpcio = spawnSync(PYTHON, ['-c', 'import grpc'], { encoding: 'utf8' });
const missing = grpcio.status !== 0;
if (missing) {
  console.warn(
    `skipping the C-core client tests: ${PYTHON} cannot import grpc (apt-get install python3-grpcio)`,
  );
}

const upstreamRequest = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest');
const upstreamResponse = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckResponse');

interface PythonResult {
  check: string;
  health: string;
  unknown_method: string;
  unknown_service: string;
}

describe.skipIf(missing).each(['native', 'grpc-js'])(
  'the C-core (Python) gRPC client calling the %s server',
  (grpcServer) => {
    let server: TestApp;
    beforeAll(async () => {
      server = await startTestApp([`--grpc.server=${grpcServer}`]);
    });
    afterAll(async () => {
      await server.stop();
    });

    it('gets a CheckResponse Envoy decodes, health SERVING, and UNIMPLEMENTED / NOT_FOUND', async () => {
      const request = upstreamRequest.encode(
        envoyCheckRequest({
          method: 'GET',
          url: 'https://api.example.com/items?page=2',
          headers: { 'x-agent-id': 'did:key:forged' },
        }),
      );
      const { stdout } = await promisify(execFile)(
        PYTHON,
        [SCRIPT, server.address, Buffer.from(request).toString('hex')],
        { timeout: 30_000 },
      );
      const result = JSON.parse(stdout) as PythonResult;
      const response = upstreamResponse.decode(
        Buffer.from(result.check, 'hex'),
      ) as UpstreamCheckResponse;
      expect(response.status?.code ?? 0).toBe(0);
      expect(setHeaders(response)).toMatchObject({
        'x-agent-verified': 'false',
        'x-agent-profile': 'unsigned',
      });
      expect(response.ok_response?.headers_to_remove).toContain('x-agent-id');
      expect(agentMetadata(response)).toMatchObject({ decision: 'allow', profile: 'unsigned' });
      // HealthCheckResponse {status: SERVING (1)}
      expect(result.health).toBe('0801');
      expect(result.unknown_method).toBe('UNIMPLEMENTED');
      expect(result.unknown_service).toBe('NOT_FOUND');
    });
  },
);
