import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { serializeDictionary } from 'structured-headers';
import { afterAll, describe } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import {
  anyText,
  didString,
  jwtLike,
  printable,
  structuredDictionary,
} from '../support/arbitraries.js';
import { expectSafeDecision } from '../support/expect-safe-decision.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { TEST_EPOCH_MS } from '../support/start-test-app.js';
import { didIssuer } from '../support/token-check.js';

// Token issuers configured, so Authorization: DPoP / Bearer are credentials too; zones, so the
// path readings and route-named zones are exercised before the credential.
const issuer = didIssuer();
const POLICY = `
mode: enforce
unsigned: allow
zones:
  - name: payments
    match: { paths: ["/payments/*"], methods: [GET, POST] }
    unsigned: deny
    signedHeaders: [agent-purpose]
  - name: public
    match: { paths: ["/*"] }
agents:
  - id: "did:key:*"
    zones: [public, payments]
`;
const policyFile = join(mkdtempSync(join(tmpdir(), 'agent-authz-property-')), 'policy.yaml');
writeFileSync(policyFile, POLICY);
afterAll(() => rmSync(dirname(policyFile), { recursive: true, force: true }));
const engine = usePropertyEngine([...issuer.flags, `--policy=${policyFile}`]);
const tally = useTally('test/property/arbitrary-requests');
const NOW_SECONDS = TEST_EPOCH_MS / 1000;
const REAL_KEY_IDS = [generateAgentKey(), generateAgentKey({ type: 'p256' })].flatMap((key) => [
  key.keyId,
  key.didJwkKeyId,
]);

/** Header names: the ones the engine reads, the identity headers it owns, and any others. */
const headerName = fc.oneof(
  fc.constantFrom(
    'signature-input',
    'signature',
    'signature-agent',
    'content-digest',
    'authorization',
    'dpop',
    'agent-purpose',
    'content-length',
    'transfer-encoding',
    'x-agent-id',
    'x-agent-verified',
    'x_agent_id',
    'traceparent',
    'host',
  ),
  fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,20}$/),
);
/** Values a signature base could read two ways: keys given twice, decimals, folds, breaks. */
const twoReadings = fc.oneof(
  structuredDictionary.map((dictionary) => `${dictionary}, ${dictionary}`),
  structuredDictionary.map((dictionary) => dictionary.replace(/=(\d+)(?![\d.])/g, '=$1.0')),
  fc
    .tuple(anyText, fc.constantFrom('\r\n ', ' \r\n\t', '\n', '\r', '\0', '\n"@path": /'), anyText)
    .map(([before, inserted, after]) => before + inserted + after),
);
const headerValue = fc.oneof(
  anyText,
  structuredDictionary,
  twoReadings,
  jwtLike,
  jwtLike.map((t) => `DPoP ${t}`),
);
const headers = fc.dictionary(headerName, fc.array(headerValue, { minLength: 1, maxLength: 2 }), {
  maxKeys: 8,
});

/** The parts of a request Envoy describes, each arbitrary. */
const requestParts = fc.record({
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'PATCH'), printable),
  scheme: fc.constantFrom('https', 'http', ''),
  authority: fc.oneof(fc.constant('api.example.com'), fc.domain(), anyText),
  path: fc.oneof(
    fc.webPath(),
    fc.webPath().map((p) => `/payments${p}`),
    fc.constantFrom('/payments/x/%2e%2e/%2e%2e/public', '/public/..%2fpayments/x', '/payments'),
    anyText.map((p) => `/${p}`),
  ),
  query: fc.option(fc.oneof(fc.webQueryParameters(), anyText), { nil: null }),
  body: fc.option(fc.uint8Array({ maxLength: 256 }), { nil: null }),
  principal: fc.oneof(fc.constant(''), fc.constant('spiffe://cluster.local/ns/a/sa/b'), anyText),
  certificate: fc.oneof(fc.constant(''), anyText, anyText.map(encodeURIComponent)),
  zone: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 8 },
    fc.constantFrom('payments', 'public', ''),
    printable,
  ),
});

function requestOf(
  parts: typeof requestParts extends fc.Arbitrary<infer T> ? T : never,
  fields: Record<string, string[]>,
): AuthzRequest {
  return {
    method: parts.method.toUpperCase(),
    receivedMethod: parts.method,
    scheme: parts.scheme,
    authority: parts.authority,
    path: parts.path,
    query: parts.query,
    headers: new Map(Object.entries(fields)),
    body: parts.body === null ? null : { bytes: parts.body, truncated: false },
    source: { principal: parts.principal, certificate: parts.certificate, address: '' },
    contextExtensions: parts.zone === undefined ? {} : { zone: parts.zone },
    requestId: randomUUID(),
  };
}

async function checkSafely(request: AuthzRequest): Promise<void> {
  const decision = await engine.check(request);
  tally.countCase(decision.allowed ? 'allow' : decision.reason);
  expectSafeDecision(decision, request, { tokens: true, errors: engine.errors });
}

describe('the engine, asked about arbitrary requests', () => {
  test.prop({ parts: requestParts, fields: headers }, { numRuns: runs(400) })(
    'answers every request with any headers, method, target and body, allowing only unverified ones',
    async ({ parts, fields }) => {
      await checkSafely(requestOf(parts, fields));
    },
  );

  test.prop(
    {
      parts: requestParts,
      input: structuredDictionary,
      signature: structuredDictionary,
      agent: fc.option(structuredDictionary, { nil: undefined }),
    },
    { numRuns: runs(300) },
  )(
    'denies with a known reason any well-formed structured dictionaries as signature headers',
    async ({ parts, input, signature, agent }) => {
      const fields: Record<string, string[]> = {
        'signature-input': [input],
        signature: [signature],
      };
      if (agent !== undefined) fields['signature-agent'] = [agent];
      await checkSafely(requestOf(parts, fields));
    },
  );

  test.prop(
    {
      // Arbitrary DIDs, and real keys (so the signature itself is checked, and fails).
      keyid: fc.oneof(didString, fc.constantFrom(...REAL_KEY_IDS)),
      created: fc.oneof(
        fc.constant(NOW_SECONDS),
        fc.integer({ min: NOW_SECONDS - 1000, max: NOW_SECONDS + 1000 }),
      ),
      signature: fc.uint8Array({ minLength: 0, maxLength: 132 }),
      tag: fc.constantFrom(undefined, 'agent-authz', 'web-bot-auth'),
    },
    { numRuns: runs(300) },
  )(
    'denies a signature whose keyid is an arbitrary DID string and whose bytes nobody signed',
    async ({ keyid, created, signature, tag }) => {
      const params = new Map<string, string | number>([
        ['created', created],
        ['keyid', keyid],
        ['nonce', randomBytes(12).toString('base64')],
      ]);
      if (tag !== undefined) params.set('tag', tag);
      const components = ['@method', '@authority', '@path'].map((n) => [n, new Map()]);
      const input = serializeDictionary({ sig1: [components, params] } as never);
      const request: AuthzRequest = {
        method: 'GET',
        receivedMethod: 'GET',
        scheme: 'https',
        authority: 'api.example.com',
        path: '/orders',
        query: null,
        headers: new Map([
          ['signature-input', [input]],
          ['signature', [`sig1=:${Buffer.from(signature).toString('base64')}:`]],
        ]),
        body: null,
        source: { principal: '', certificate: '', address: '' },
        contextExtensions: {},
        requestId: randomUUID(),
      };
      await checkSafely(request);
    },
  );

  test.prop(
    {
      parts: requestParts,
      scheme: fc.constantFrom('DPoP', 'Bearer', 'dpop', 'BEARER'),
      token: jwtLike,
      proof: fc.option(jwtLike, { nil: undefined }),
    },
    { numRuns: runs(300) },
  )(
    'denies arbitrary JWT-shaped tokens and DPoP proofs, with or without a client certificate',
    async ({ parts, scheme, token, proof }) => {
      const fields: Record<string, string[]> = { authorization: [`${scheme} ${token}`] };
      if (proof !== undefined) fields.dpop = [proof];
      await checkSafely(requestOf(parts, fields));
    },
  );
});
