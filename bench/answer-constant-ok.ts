import type { ServerHttp2Stream } from 'node:http2';
import { grpcFrame, okResponseMessage } from './check-messages.js';

const OK_FRAME = grpcFrame(okResponseMessage());

/**
 * The no-op HTTP/2 floor's whole answer to a Check: read the request, then a constant framed OK
 * and `grpc-status: 0`. Shared by bench/noop-http2-server.ts and bench/measure-server-path.ts.
 */
export function answerConstantOk(stream: ServerHttp2Stream): void {
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(OK_FRAME);
  });
}
