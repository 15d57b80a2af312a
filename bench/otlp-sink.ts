/**
 * A local OTLP/HTTP trace sink for the telemetry scenario: accepts `POST /v1/traces`, reads the
 * body and answers 200 with an empty (valid) ExportTraceServiceResponse; anything else 404.
 * Counts what it received, printed on exit. `node otlp-sink.js PORT`
 */
import { createServer } from 'node:http';

let exports = 0;
let bytes = 0;
const server = createServer((request, response) => {
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    const accepted = request.method === 'POST' && request.url === '/v1/traces';
    if (accepted) exports++;
    response.writeHead(accepted ? 200 : 404, { 'content-type': 'application/x-protobuf' });
    response.end();
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => {
  process.stdout.write(`otlp-sink: ${exports} exports, ${bytes} bytes\n`);
  process.exit(0);
});
