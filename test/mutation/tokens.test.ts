import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe } from 'vitest';
import { createDpopProof, generateAgentKey } from '../../src/agent/index.js';
import { authzRequestOf } from '../support/authz-request-of.js';
import type { RequestShape } from '../support/envoy-check-request.js';
import { expectMutantsDenied, flipByte } from '../support/mutations.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { didIssuer, issuedToken } from '../support/token-check.js';

const issuer = didIssuer();
const engine = usePropertyEngine(issuer.flags);
const tally = useTally('test/mutation/tokens');
const URL_TEXT = 'https://api.example.com/invoices/7?view=full';
const now = () => Math.floor(engine.now / 1000);
const stranger = generateAgentKey();

let certificate: TestCertificate;
let otherCertificate: TestCertificate;
beforeAll(async () => {
  const ca = await createTestCa();
  certificate = await ca.issue({ commonName: 'billing-agent' });
  otherCertificate = await ca.issue({ commonName: 'frontend' });
});

type Json = Record<string, unknown>;
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Json;
const encode = (json: Json) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** The JWT with its header (0) or payload (1) changed by `change` and not signed again. */
function edited(jwt: string, part: 0 | 1, change: (json: Json) => void): string {
  const parts = jwt.split('.');
  const json = decode(parts[part]!);
  change(json);
  parts[part] = encode(json);
  return parts.join('.');
}

/** The JWT with one signature byte changed. */
function withSignatureByte(jwt: string, at: number, mask: number): string {
  const parts = jwt.split('.');
  parts[2] = flipByte(Buffer.from(parts[2]!, 'base64url'), at, mask).toString('base64url');
  return parts.join('.');
}

/** A member of `json` (chosen by `at`) replaced by `value` (a different one), or removed. */
function changeMember(json: Json, at: number, value: unknown): void {
  const names = Object.keys(json);
  const name = names[at % names.length]!;
  if (value === undefined || JSON.stringify(value) === JSON.stringify(json[name]))
    delete json[name];
  else json[name] = value;
}

const change = fc.record({
  at: fc.nat({ max: 10_000 }),
  pick: fc.nat({ max: 10_000 }),
  value: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
});
type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

interface DpopCase {
  readonly token: string;
  readonly proof: string;
  readonly agent: ReturnType<typeof generateAgentKey>;
}

const dpopShape = ({ token, proof }: { token: string; proof: string }): RequestShape => ({
  method: 'POST',
  url: URL_TEXT,
  headers: { authorization: `DPoP ${token}`, dpop: proof },
});

/** Each way to change a valid DPoP-bound request; the token or proof is signed again only where named. */
const DPOP_MUTATIONS: Record<string, (c: DpopCase, m: Change) => RequestShape> = {
  'token claim': (c, m) =>
    dpopShape({ ...c, token: edited(c.token, 1, (j) => changeMember(j, m.at, m.value)) }),
  'token claim added': (c, m) =>
    dpopShape({
      ...c,
      token: edited(c.token, 1, (j) => {
        j[`x${m.pick}`] = m.value ?? true;
      }),
    }),
  'token header member': (c, m) =>
    dpopShape({ ...c, token: edited(c.token, 0, (j) => changeMember(j, m.at, m.value)) }),
  'token signature byte': (c, m) =>
    dpopShape({ ...c, token: withSignatureByte(c.token, m.at, m.pick) }),
  'proof claim': (c, m) =>
    dpopShape({ ...c, proof: edited(c.proof, 1, (j) => changeMember(j, m.at, m.value)) }),
  'proof header member': (c, m) =>
    dpopShape({ ...c, proof: edited(c.proof, 0, (j) => changeMember(j, m.at, m.value)) }),
  'proof jwk swapped': (c) =>
    dpopShape({
      ...c,
      proof: edited(c.proof, 0, (j) => {
        j.jwk = stranger.publicJwk;
      }),
    }),
  'proof signature byte': (c, m) =>
    dpopShape({ ...c, proof: withSignatureByte(c.proof, m.at, m.pick) }),
  'proof re-signed for another method': (c, m) =>
    dpopShape({ ...c, proof: proofFor(c, { method: ['GET', 'PUT', 'DELETE'][m.pick % 3]! }) }),
  'proof re-signed for another URL': (c, m) =>
    dpopShape({
      ...c,
      proof: proofFor(c, {
        url: [
          'https://api.example.com/invoices/8',
          'https://evil.example.com/invoices/7',
          'http://api.example.com/invoices/7',
        ][m.pick % 3]!,
      }),
    }),
  'proof re-signed for another token': (c) =>
    dpopShape({ ...c, proof: proofFor(c, { accessToken: `${c.token}x` }) }),
  'proof re-signed outside its window': (c, m) =>
    dpopShape({
      ...c,
      proof: proofFor(c, { iat: now() + (m.pick % 2 ? 31 + (m.at % 1000) : -301 - (m.at % 1000)) }),
    }),
  'proof re-signed by another key': (c) =>
    dpopShape({
      ...c,
      proof: createDpopProof({
        privateJwk: stranger.privateJwk,
        method: 'POST',
        url: URL_TEXT,
        accessToken: c.token,
        iat: now(),
      }),
    }),
  'token re-issued bound to another key': (c) => {
    const token = issuedToken(issuer.key, now(), { bindKey: stranger.publicJwk });
    return dpopShape({ token, proof: proofFor({ ...c, token }, {}) });
  },
  'token re-issued for another audience': (c) => {
    const token = issuedToken(issuer.key, now(), {
      bindKey: c.agent.publicJwk,
      audience: 'https://other.example.com',
    });
    return dpopShape({ token, proof: proofFor({ ...c, token }, {}) });
  },
  'token re-issued already expired': (c, m) => {
    const token = issuedToken(issuer.key, now() - 400 - (m.at % 10_000), {
      bindKey: c.agent.publicJwk,
      expiresIn: 60,
    });
    return dpopShape({ token, proof: proofFor({ ...c, token }, {}) });
  },
  'token re-issued by an untrusted issuer': (c) => {
    const token = issuedToken(stranger, now(), { bindKey: c.agent.publicJwk });
    return dpopShape({ token, proof: proofFor({ ...c, token }, {}) });
  },
  'request method': (c, m) => ({ ...dpopShape(c), method: ['GET', 'PUT', 'DELETE'][m.pick % 3]! }),
  'request path': (c) => ({ ...dpopShape(c), url: 'https://api.example.com/invoices/8?view=full' }),
  'request host': (c) => ({
    ...dpopShape(c),
    url: 'https://evil.example.com/invoices/7?view=full',
  }),
};

function proofFor(c: DpopCase, changed: Partial<Parameters<typeof createDpopProof>[0]>): string {
  return createDpopProof({
    privateJwk: c.agent.privateJwk,
    method: 'POST',
    url: URL_TEXT,
    accessToken: c.token,
    iat: now(),
    ...changed,
  });
}

describe.each([
  ['Ed25519', 'ed25519'],
  ['P-256', 'p256'],
] as const)('a valid DPoP-bound token with a %s proof key', (_name, type) => {
  const agent = generateAgentKey({ type });
  test.prop(
    { mutation: fc.constantFrom(...Object.keys(DPOP_MUTATIONS)), m: change },
    { numRuns: runs(200) },
  )(
    'is denied whatever claim, header member, signature byte or request part changes',
    async ({ mutation, m }) => {
      const token = issuedToken(issuer.key, now(), {
        bindKey: agent.publicJwk,
        scope: 'invoices:read',
      });
      const c: DpopCase = { token, agent, proof: proofFor({ token, agent, proof: '' }, {}) };
      const mutant = DPOP_MUTATIONS[mutation]!(c, m);
      await expectMutantsDenied(
        engine,
        authzRequestOf(dpopShape(c)),
        [authzRequestOf(mutant)],
        tally,
      );
    },
  );
});

const bearerShape = (token: string, cert: string): RequestShape => ({
  method: 'GET',
  url: URL_TEXT,
  headers: { authorization: `Bearer ${token}` },
  certificate: cert,
});

/** Each way to change a valid certificate-bound request. */
const CERTIFICATE_MUTATIONS: Record<string, (token: string, m: Change) => RequestShape> = {
  'token claim': (t, m) =>
    bearerShape(
      edited(t, 1, (j) => changeMember(j, m.at, m.value)),
      certificate.envoyCertificate,
    ),
  'token claim added': (t, m) =>
    bearerShape(
      edited(t, 1, (j) => {
        j[`x${m.pick}`] = m.value ?? true;
      }),
      certificate.envoyCertificate,
    ),
  'token header member': (t, m) =>
    bearerShape(
      edited(t, 0, (j) => changeMember(j, m.at, m.value)),
      certificate.envoyCertificate,
    ),
  'token signature byte': (t, m) =>
    bearerShape(withSignatureByte(t, m.at, m.pick), certificate.envoyCertificate),
  'token re-issued bound to another certificate': () =>
    bearerShape(
      issuedToken(issuer.key, now(), { bindCertificatePem: otherCertificate.pem }),
      certificate.envoyCertificate,
    ),
  'another client certificate': (t) => bearerShape(t, otherCertificate.envoyCertificate),
  'no client certificate': (t) => bearerShape(t, ''),
  'client certificate byte': (t, m) => {
    const [, body] = /-----BEGIN CERTIFICATE-----\n([\s\S]+?)\n-----END CERTIFICATE-----/.exec(
      certificate.pem,
    )!;
    const der = flipByte(Buffer.from(body!.replace(/\s/g, ''), 'base64'), m.at, m.pick);
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    return bearerShape(t, encodeURIComponent(pem));
  },
};

describe('a valid certificate-bound token', () => {
  test.prop(
    { mutation: fc.constantFrom(...Object.keys(CERTIFICATE_MUTATIONS)), m: change },
    { numRuns: runs(200) },
  )(
    'is denied whatever claim, header member, signature byte or certificate byte changes',
    async ({ mutation, m }) => {
      const token = issuedToken(issuer.key, now(), { bindCertificatePem: certificate.pem });
      const mutant = CERTIFICATE_MUTATIONS[mutation]!(token, m);
      const original = bearerShape(token, certificate.envoyCertificate);
      await expectMutantsDenied(engine, authzRequestOf(original), [authzRequestOf(mutant)], tally);
    },
  );
});
