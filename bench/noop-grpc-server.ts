/**
 * A floor: Authorization/Check on the same grpc-js stack and proto loading options as the
 * server, answering every call with a constant OK. `node noop-grpc-server.js PORT`
 */
import {
  type GrpcObject,
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EXTERNAL_AUTH_PROTO, LOADER_OPTIONS } from '../src/transport/grpc/load-protos.js';
import { PROTO_DIR } from './paths.js';

// The server's own loading options; only the folder differs (the bench runs from dist-bench/).
const definition = loadSync(EXTERNAL_AUTH_PROTO, { ...LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
const v3 = (
  ((loadPackageDefinition(definition).envoy as GrpcObject).service as GrpcObject).auth as GrpcObject
).v3 as GrpcObject;
const Authorization = v3.Authorization as ServiceClientConstructor;

const OK = { status: { code: 0 }, ok_response: {} };
const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
server.addService(Authorization.service, {
  Check: (_call: unknown, callback: (error: null, response: object) => void) => callback(null, OK),
});
server.bindAsync(`127.0.0.1:${process.argv[2]}`, ServerCredentials.createInsecure(), (error) => {
  if (error) throw error;
});
process.on('SIGTERM', () => process.exit(0));
