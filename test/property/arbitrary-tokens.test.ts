import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe } from 'vitest';
import { createDpopProof, generateAgentKey, jwkThumbprint } from '../../src/agent/index.js';
import { signCompactJws } from '../../src/agent/sign-compact-jws.js';
import { pemCertificateThumbprint } from '../../src/binding/certificate-thumbprint.js';
import { jsonObject, printable } from '../support/arbitraries.js';
import { authzRequestOf } from '../support/authz-request-of.js';
import { expectSafeDecision } from '../support/expect-safe-decision.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { TEST_EPOCH_MS } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { AUDIENCE, didIssuer, issuedToken } from '../support/token-check.js';

const issuer = didIssuer();
const engine = usePropertyEngine(issuer.flags);
const tally = useTally('test/property/arbitrary-tokens');
const NOW = TEST_EPOCH_MS / 1000;
const URL_TEXT = 'https://api.example.com/invoices/7?view=full';
/** The key a token is bound to (cnf.jkt) and the certificate (cnf.x5t#S256): the owner's. */
const owner = generateAgentKey({ type: 'p256' });
/** What an attacker holds instead: their own key and their own certificate. */
const attacker = generateAgentKey();
let ownerCertificate: TestCertificate;
let attackerCertificate: TestCertificate;
beforeAll(async () => {
  const ca = await createTestCa();
  ownerCertificate = await ca.issue({ commonName: 'owner' });
  attackerCertificate = await ca.issue({ commonName: 'attacker' });
});

/** Claims around a valid core: each member may be kept, dropped or replaced by anything. */
const claims = fc.record(
  {
    iss: fc.oneof(fc.constant(issuer.key.didKey), printable),
    sub: fc.oneof(fc.constant('did:web:agents.example.com:billing'), printable),
    aud: fc.oneof(fc.constant(AUDIENCE), fc.constant([AUDIENCE]), printable),
    iat: fc.oneof(fc.constant(NOW), fc.integer({ min: NOW - 10_000, max: NOW + 10_000 })),
    exp: fc.oneof(fc.constant(NOW + 300), fc.integer({ min: NOW - 10_000, max: NOW + 10_000 })),
    nbf: fc.integer({ min: NOW - 1000, max: NOW + 1000 }),
    jti: printable,
    scope: printable,
    cnf: fc.oneof(
      fc.constant({ jkt: 'owner' }),
      fc.constant({ 'x5t#S256': 'owner' }),
      fc.record({ jkt: printable }),
      fc.record({ 'x5t#S256': printable }),
      jsonObject,
    ),
    extra: jsonObject,
  },
  { requiredKeys: [] },
);

const header = fc.record(
  {
    typ: fc.constantFrom('at+jwt', 'JWT', 'dpop+jwt', 'jwt'),
    alg: fc.constantFrom('EdDSA', 'ES256', 'none', 'HS256', 'RS256'),
    kid: fc.oneof(fc.constant(issuer.key.keyId), printable),
  },
  { requiredKeys: [] },
);

/** A token the trusted issuer really signed over arbitrary claims. */
function issuerSigned(h: Record<string, unknown>, c: Record<string, unknown>): string {
  const { extra, cnf, ...payload } = c as { extra?: object; cnf?: Record<string, unknown> };
  const bound =
    cnf?.jkt === 'owner'
      ? { jkt: jwkThumbprint(owner.publicJwk as Record<string, unknown>) }
      : cnf?.['x5t#S256'] === 'owner'
        ? { 'x5t#S256': pemCertificateThumbprint(ownerCertificate.pem) }
        : cnf;
  const body = { ...extra, ...payload, ...(bound === undefined ? {} : { cnf: bound }) };
  return signCompactJws({ alg: 'EdDSA', ...h }, body, issuer.key.privateJwk);
}

describe('the engine, asked about tokens', () => {
  test.prop(
    { h: header, c: claims, presented: fc.constantFrom('none', 'attacker') },
    { numRuns: runs(200) },
  )(
    'denies a token the trusted issuer signed over any claims when the holder has not the bound certificate',
    async ({ h, c, presented }) => {
      const token = issuerSigned(h, c);
      const request = authzRequestOf({
        method: 'GET',
        url: URL_TEXT,
        headers: { authorization: `Bearer ${token}` },
        certificate: presented === 'attacker' ? attackerCertificate.envoyCertificate : '',
      });
      const decision = await engine.check(request);
      tally.countCase(decision.allowed ? 'allow' : decision.reason);
      expectSafeDecision(decision, request, { tokens: true, errors: engine.errors });
    },
  );

  test.prop({ h: header, c: claims, htm: fc.constantFrom('GET', 'POST') }, { numRuns: runs(200) })(
    'denies a token the trusted issuer signed over any claims when the DPoP proof is not the bound key’s',
    async ({ h, c, htm }) => {
      const token = issuerSigned(h, c);
      const proof = createDpopProof({
        privateJwk: attacker.privateJwk,
        method: htm,
        url: URL_TEXT,
        accessToken: token,
        iat: NOW,
      });
      const request = authzRequestOf({
        method: 'GET',
        url: URL_TEXT,
        headers: { authorization: `DPoP ${token}`, dpop: proof },
      });
      const decision = await engine.check(request);
      tally.countCase(decision.allowed ? 'allow' : decision.reason);
      expectSafeDecision(decision, request, { tokens: true, errors: engine.errors });
    },
  );

  test.prop(
    {
      scheme: fc.constantFrom('Bearer', 'bearer', 'DPoP', 'dpop'),
      before: fc.constantFrom('', ' ', '\t'),
      separator: fc.constantFrom(' ', '  ', '\t', ' \t', '\u00a0', ',', ''),
    },
    { numRuns: runs(100) },
  )(
    'denies a stolen bound token however its Authorization line is spaced',
    async ({ scheme, before, separator }) => {
      const token = issuedToken(issuer.key, NOW, { bindCertificatePem: ownerCertificate.pem });
      const request = authzRequestOf({
        method: 'GET',
        url: URL_TEXT,
        headers: { authorization: `${before}${scheme}${separator}${token}` },
        certificate: attackerCertificate.envoyCertificate,
      });
      const decision = await engine.check(request);
      tally.countCase(decision.allowed ? 'allow' : decision.reason);
      expectSafeDecision(decision, request, { tokens: true, errors: engine.errors });
    },
  );
});
