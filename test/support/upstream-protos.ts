import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

const require = createRequire(import.meta.url);
const DEPS = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');

/** Include paths for Envoy's own API protos as @grpc/grpc-js-xds ships them. */
export const UPSTREAM_INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map(
  (dir) => join(DEPS, dir),
);

export const UPSTREAM_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: UPSTREAM_INCLUDE_DIRS,
};

let cached: PackageDefinition | undefined;

/** Envoy's authoritative ext_authz definitions — what a real Envoy encodes with. */
export function upstreamExternalAuth(): PackageDefinition {
  cached ??= loadSync('envoy/service/auth/v3/external_auth.proto', UPSTREAM_OPTIONS);
  return cached;
}
