/**
 * A floor below grpc-js: Node's own HTTP/2 server reading the request and answering every
 * Check with a constant framed OK and grpc-status 0. `node noop-http2-server.js PORT`
 */
import { createServer } from 'node:http2';
import { answerConstantOk } from './answer-constant-ok.js';

const server = createServer();
server.on('stream', answerConstantOk);
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
