import { once } from 'node:events';
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const calls: Array<{ path: string; body: Buffer }> = [];

/** A bare OTLP/gRPC receiver: records each Export call and answers an empty response. */
const receiver = createServer();
receiver.on('stream', (stream, headers) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => {
    calls.push({ path: String(headers[':path']), body: Buffer.concat(chunks) });
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    // One uncompressed, empty ExportTraceServiceResponse message.
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  });
});
let server: TestApp;

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const { port } = receiver.address() as AddressInfo;
  // The SDK reads the standard variables from the process environment.
  vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '50');
  server = await startTestApp([`--telemetry.otlp=http://127.0.0.1:${port}`], {
    env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
  });
});
afterAll(async () => {
  await server?.stop();
  receiver.close();
  vi.unstubAllEnvs();
});

describe('trace export over OTLP/gRPC', () => {
  it('sends the ext_authz.check span to the collector TraceService', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: { 'signature-input': 'x', signature: 'y' },
    });
    const traceId = String(problem(await server.client.check(request)).trace_id);
    await waitFor(() => calls.length > 0, 10_000);
    expect(calls[0]!.path).toBe(EXPORT_PATH);
    expect(calls[0]!.body.includes('ext_authz.check')).toBe(true);
    expect(calls[0]!.body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
  });
});
