import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/** The project's own Envoy protos (proto/), wire-compatible with the upstream API. */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto', import.meta.url));

export const EXTERNAL_AUTH_PROTO = 'envoy/service/auth/v3/external_auth.proto';

/** Decoding options the transport's message types assume. */
export const LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export function loadExternalAuthProtos(): PackageDefinition {
  return loadSync(EXTERNAL_AUTH_PROTO, LOADER_OPTIONS);
}
