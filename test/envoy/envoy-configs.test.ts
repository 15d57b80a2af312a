import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OWNED_HEADERS } from '../../src/decision/upstream-headers.js';
import { loadEnvoyProtos } from './load-envoy-protos.js';
import { validateEnvoyMessage } from './validate-envoy-message.js';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const FILES = ['envoy/envoy-grpc.yaml', 'envoy/envoy-http.yaml'];

const load = (file: string) => parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const validate = (config: unknown) => validateEnvoyMessage(loadEnvoyProtos(), BOOTSTRAP, config);

/** The ext_authz filter's typed_config inside a bootstrap. */
function extAuthz(config: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(config);
  const found = findDeep(
    JSON.parse(text),
    (node) =>
      node['@type'] === 'type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz',
  );
  if (found === undefined) throw new Error('no ext_authz filter');
  return found;
}

function findDeep(
  node: unknown,
  test: (node: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (!Array.isArray(node) && test(node as Record<string, unknown>))
    return node as Record<string, unknown>;
  for (const child of Object.values(node)) {
    const found = findDeep(child, test);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe.each(FILES)('the Envoy bootstrap %s', (file) => {
  it('is valid against Envoy’s own protos, every typed_config included', () => {
    expect(validate(load(file))).toEqual([]);
  });

  it('configures ext_authz to fail closed with a retryable 503, a bounded body, raw headers and checked mutations', () => {
    expect(extAuthz(load(file))).toMatchObject({
      transport_api_version: 'V3',
      failure_mode_allow: false,
      status_on_error: { code: 'ServiceUnavailable' },
      include_peer_certificate: true,
      encode_raw_headers: true,
      validate_mutations: true,
      with_request_body: { max_request_bytes: 65536, allow_partial_message: false },
    });
  });
});

describe('the Envoy config validation', () => {
  it('rejects an unknown field inside a typed_config', () => {
    const config = load(FILES[0]!);
    extAuthz(config); // sanity: the filter is there
    const broken = JSON.parse(
      JSON.stringify(config).replace('"failure_mode_allow":false', '"failure_mode_allows":false'),
    );
    expect(validate(broken)).toEqual([
      expect.stringMatching(
        /failure_mode_allows: unknown field of envoy\.extensions\.filters\.http\.ext_authz\.v3\.ExtAuthz$/,
      ),
    ]);
  });

  it.each([
    [
      'an undefined enum value',
      '"transport_api_version":"V3"',
      '"transport_api_version":"V4"',
      /is not a value of/,
    ],
    ['a malformed duration', '"timeout":"0.15s"', '"timeout":"150ms"', /expected a duration/],
    ['an unknown typed_config type', 'router.v3.Router"', 'router.v3.Routr"', /unknown type/],
    [
      'a string where a number belongs',
      '"port_value":9191',
      '"port_value":"ninety"',
      /expected a non-negative integer/,
    ],
  ])('rejects %s', (_name, from, to, message) => {
    const text = JSON.stringify(load(FILES[0]!));
    expect(text).toContain(from);
    expect(validate(JSON.parse(text.replace(from, to))).join('\n')).toMatch(message);
  });

  it('rejects a deprecated field (AuthorizationRequest.allowed_headers)', () => {
    const text = JSON.stringify(load(FILES[1]!));
    const from = '"path_prefix":"/check"';
    expect(text).toContain(from);
    const deprecated = `${from},"authorization_request":{"allowed_headers":{"patterns":[{"exact":"dpop"}]}}`;
    expect(validate(JSON.parse(text.replace(from, deprecated))).join('\n')).toMatch(
      /authorization_request\.allowed_headers: deprecated field/,
    );
  });

  it('rejects a missing required field (a cluster without a name)', () => {
    const config = load(FILES[0]!) as {
      static_resources: { clusters: Array<Record<string, unknown>> };
    };
    delete config.static_resources.clusters[0]!.name;
    expect(validate(config).join('\n')).toMatch(/clusters\[0\]\.name: required/);
  });
});

describe('the HTTP-mode bootstrap', () => {
  it('copies upstream exactly the identity headers agent-authz owns, every one of them', () => {
    const service = extAuthz(load('envoy/envoy-http.yaml')).http_service as {
      authorization_response: { allowed_upstream_headers: { patterns: Array<{ exact: string }> } };
    };
    const copied = service.authorization_response.allowed_upstream_headers.patterns.map(
      (pattern) => pattern.exact,
    );
    // A header the server owns but Envoy does not copy would let the client's forged copy through.
    expect(copied.sort()).toEqual([...OWNED_HEADERS].sort());
  });
});
