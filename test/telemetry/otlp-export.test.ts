import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

interface Export {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const exports: Export[] = [];
const receiver = createServer(async (request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  exports.push({
    path: request.url ?? '',
    contentType: request.headers['content-type'] ?? '',
    body: Buffer.concat(chunks),
  });
  response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
});
let server: TestApp;

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as AddressInfo;
  // The SDK reads the standard variables from the process environment.
  vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '50');
  vi.stubEnv('OTEL_SERVICE_NAME', 'authz-under-test');
  server = await startTestApp([`--telemetry.otlp=http://127.0.0.1:${port}`]);
});
afterAll(async () => {
  await server?.stop();
  receiver.close();
  vi.unstubAllEnvs();
});

describe('trace export with the real SDK', () => {
  it('sends the ext_authz.check span over OTLP/HTTP protobuf, with the trace id the denial reports', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: { 'signature-input': 'x', signature: 'y' },
    });
    const traceId = String(problem(await server.client.check(request)).trace_id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => exports.length > 0, 10_000);
    const [received] = exports;
    expect(received!.path).toBe('/v1/traces');
    expect(received!.contentType).toBe('application/x-protobuf');
    // OTLP protobuf carries the span name and service name as strings, the trace id as 16 bytes.
    expect(received!.body.includes('ext_authz.check')).toBe(true);
    expect(received!.body.includes('authz-under-test')).toBe(true);
    expect(received!.body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
  });
});
