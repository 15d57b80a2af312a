import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { deniedTraceId, useExportingApp } from '../support/trace-export.js';
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
const server = useExportingApp(receiver, {}, { OTEL_SERVICE_NAME: 'authz-under-test' });

describe('trace export with the real SDK', () => {
  it('sends the ext_authz.check span over OTLP/HTTP protobuf, with the trace id the denial reports', async () => {
    const traceId = await deniedTraceId(server());
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
