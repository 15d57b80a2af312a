import { createServer } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { deniedTraceId, useExportingApp } from '../support/trace-export.js';
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
const server = useExportingApp(receiver, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });

describe('trace export over OTLP/gRPC', () => {
  it('sends the ext_authz.check span to the collector TraceService', async () => {
    const traceId = await deniedTraceId(server());
    await waitFor(() => calls.length > 0, 10_000);
    expect(calls[0]!.path).toBe(EXPORT_PATH);
    expect(calls[0]!.body.includes('ext_authz.check')).toBe(true);
    expect(calls[0]!.body.includes(Buffer.from(traceId, 'hex'))).toBe(true);
  });
});
