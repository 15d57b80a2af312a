import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { UPSTREAM_INCLUDE_DIRS } from '../support/upstream-protos.js';

const require = createRequire(import.meta.url);
/** protobufjs ships descriptor.proto, which Envoy's annotations import. */
const PROTOBUFJS_DIR = dirname(require.resolve('protobufjs/package.json'));

/**
 * The Envoy API files whose messages the bootstrap configs use: the bootstrap itself, and every
 * message a `typed_config` names (resolved by type URL at validation time).
 */
const ENTRY_FILES = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
];

let cached: protobuf.Root | undefined;

/** Envoy's own API protos as @grpc/grpc-js-xds ships them, with field options kept. */
export function loadEnvoyProtos(): protobuf.Root {
  if (cached !== undefined) return cached;
  const includeDirs = [...UPSTREAM_INCLUDE_DIRS, PROTOBUFJS_DIR];
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    // protobufjs bundles the well-known types; it has no bundled descriptor.proto.
    if (target.startsWith('google/protobuf/') && !target.endsWith('descriptor.proto')) {
      return target;
    }
    const found = includeDirs.map((dir) => join(dir, target)).find((path) => existsSync(path));
    return found ?? protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(ENTRY_FILES, { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}
