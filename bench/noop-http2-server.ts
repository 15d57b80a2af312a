/**
 * A floor below grpc-js: Node's own HTTP/2 server reading the request and answering every
 * Check with a constant framed OK and grpc-status 0. `node noop-http2-server.js PORT`
 */
import { createServer } from 'node:http2';
import { grpcFrame, okResponseMessage } from './check-messages.js';

const OK_FRAME = grpcFrame(okResponseMessage());
const server = createServer();
server.on('stream', (stream) => {
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(OK_FRAME);
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
