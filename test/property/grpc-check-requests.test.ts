import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { REASON_CODES } from '../../src/errors.js';
import { anyText, jwtLike, printable, structuredDictionary } from '../support/arbitraries.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { runs, useTally } from '../support/property-runs.js';
import { useTestApp } from '../support/start-test-app.js';
import { didIssuer } from '../support/token-check.js';

const server = useTestApp(didIssuer().flags);
const tally = useTally('test/property/grpc-check-requests');

const headerName = fc.oneof(
  fc.constantFrom(
    ':authority',
    ':path',
    ':method',
    ':scheme',
    'signature-input',
    'signature',
    'authorization',
    'dpop',
    'content-length',
    'x-agent-id',
    'traceparent',
  ),
  fc.stringMatching(/^[a-z0-9-]{1,16}$/),
  printable,
);
const headerValue = fc.oneof(
  anyText,
  structuredDictionary,
  jwtLike.map((t) => `Bearer ${t}`),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** An Envoy CheckRequest with every field arbitrary or absent (snake_case, as the proto). */
const checkRequest = fc.record(
  {
    attributes: fc.record(
      {
        source: fc.record(
          {
            address: fc.record({
              socket_address: fc.record({
                address: printable,
                port_value: fc.nat({ max: 65535 }),
              }),
            }),
            principal: anyText,
            certificate: anyText,
          },
          { requiredKeys: [] },
        ),
        request: fc.record({
          http: fc.record(
            {
              id: printable,
              method: fc.oneof(fc.constantFrom('GET', 'POST'), anyText),
              headers: fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
              header_map: fc.record({
                headers: fc.array(
                  fc.record(
                    {
                      key: headerName,
                      value: headerValue,
                      raw_value: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
                    },
                    { requiredKeys: [] },
                  ),
                  { maxLength: 6 },
                ),
              }),
              path: fc.oneof(fc.webPath(), anyText),
              host: fc.oneof(fc.domain(), anyText),
              scheme: fc.constantFrom('http', 'https', '', 'ftp'),
              query: anyText,
              size: fc.integer({ min: -1, max: 1_000_000 }).map(String),
              protocol: fc.constantFrom('HTTP/1.1', 'HTTP/2', ''),
              body: anyText,
              raw_body: fc.uint8Array({ maxLength: 128 }).map((b) => Buffer.from(b)),
            },
            { requiredKeys: [] },
          ),
        }),
        context_extensions: fc.dictionary(fc.oneof(fc.constant('zone'), printable), printable, {
          maxKeys: 3,
        }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

type Generated = typeof checkRequest extends fc.Arbitrary<infer T> ? T : never;

/**
 * Credential header names the request carries where the transport reads them: `header_map`
 * when it has lines (Envoy `encode_raw_headers`), else the `headers` map. Tokens count with
 * any spacing after the scheme.
 */
function credentialHeaders(request: Generated | undefined): string[] {
  const http = request?.attributes?.request?.http;
  const lines = http?.header_map?.headers ?? [];
  const fields: Array<[string, string]> =
    lines.length > 0
      ? lines.map((line) => [
          (line.key ?? '').toLowerCase(),
          line.raw_value !== undefined && line.raw_value.length > 0
            ? line.raw_value.toString('latin1')
            : (line.value ?? ''),
        ])
      : Object.entries(http?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]);
  return fields
    .filter(
      ([name, value]) =>
        name === 'signature-input' ||
        name === 'signature' ||
        name === 'dpop' ||
        (name === 'authorization' && /^\s*(dpop|bearer)(\s|$)/i.test(value)),
    )
    .map(([name]) => name);
}

describe('the gRPC Check service, sent arbitrary CheckRequests', () => {
  test.prop({ request: maybe(checkRequest) }, { numRuns: runs(60) })(
    'answers every one with a CheckResponse: a denial with a known reason, or an unverified allow',
    async ({ request }) => {
      const response = await server.client.check(request ?? {});
      if (response.ok_response !== undefined) {
        tally.countCase('allow');
        expect(setHeaders(response)['x-agent-verified']).toBe('false');
        expect(credentialHeaders(request)).toEqual([]);
        return;
      }
      const reason = problem(response).reason;
      tally.countCase(String(reason));
      expect(REASON_CODES).toContain(reason);
      expect(reason).not.toBe('internal_error');
      expect([16, 7, 8, 14]).toContain(response.status?.code);
    },
  );
});
