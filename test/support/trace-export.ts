import { once } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, vi } from 'vitest';
import { envoyCheckRequest } from './envoy-check-request.js';
import { problem } from './envoy-client.js';
import { startTestApp, type TestApp } from './start-test-app.js';

/**
 * Starts `receiver` on a free port and a test app exporting traces to it (telemetry.otlp), with
 * a short batch delay; stops both after the file. The SDK reads OTEL_* from process.env.
 */
export function useExportingApp(
  receiver: HttpServer | Http2Server,
  env: Record<string, string> = {},
  processEnv: Record<string, string> = {},
): () => TestApp {
  let server: TestApp | undefined;
  beforeAll(async () => {
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as AddressInfo;
    vi.stubEnv('OTEL_BSP_SCHEDULE_DELAY', '50');
    for (const [name, value] of Object.entries(processEnv)) vi.stubEnv(name, value);
    server = await startTestApp([`--telemetry.otlp=http://127.0.0.1:${port}`], { env });
  });
  afterAll(async () => {
    await server?.stop();
    receiver.close();
    vi.unstubAllEnvs();
  });
  return () => server!;
}

/** Sends a malformed signed request and returns the trace id its denial body reports. */
export async function deniedTraceId(server: TestApp): Promise<string> {
  const request = envoyCheckRequest({
    method: 'GET',
    url: 'https://api.example.com/',
    headers: { 'signature-input': 'x', signature: 'y' },
  });
  return String(problem(await server.client.check(request)).trace_id);
}
