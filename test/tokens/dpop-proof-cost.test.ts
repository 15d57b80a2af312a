import { createHash, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { useTestApp } from '../support/start-test-app.js';
import { didIssuer, dpopRequest, issuedToken } from '../support/token-check.js';

/*
 * What an unauthenticated client can make the DPoP path spend. A proof carries its own key, so
 * before anything else is checked a client chooses the RSA key the server would verify with: a
 * 3064-bit public exponent or a 16 384-bit modulus costs milliseconds per verify. The token,
 * its cache and its `cnf.jkt` are checked against the proof header before any proof signature
 * work, and RSA proof keys are capped before import. "Verified with" is observed through the
 * proof key lookups (`agent_authz_key_resolutions_total{method="dpop"}`): the key is looked up
 * only to verify a signature with it.
 */
const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const URL_TEXT = 'https://api.example.com/orders';
const RUNS = 20;
const nowSeconds = () => Math.floor(server.now / 1000);
const RSA_2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const RSA_PUBLIC = RSA_2048.publicKey.export({ format: 'jwk' });

function base64url(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex').toString('base64url');
}

/** An odd number of exactly `bits` bits. */
function oddOfBits(bits: number): bigint {
  return (1n << BigInt(bits - 1)) | 0xf00dn | 1n;
}

/** A proof for GET URL_TEXT with `token`, under `jwk`, signed with `signature` as given. */
function proofWith(jwk: JsonWebKey, token: string, signature: (input: string) => Buffer): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const header = encode({ typ: 'dpop+jwt', alg: 'RS256', jwk });
  const payload = encode({
    jti: `j-${Math.random()}`,
    htm: 'GET',
    htu: URL_TEXT,
    iat: nowSeconds(),
    ath: createHash('sha256').update(token).digest('base64url'),
  });
  const input = `${header}.${payload}`;
  return `${input}.${signature(input).toString('base64url')}`;
}

/** A signature nobody made, as long as the modulus of `jwk`. */
const forged =
  (jwk: JsonWebKey) =>
  (_input: string): Buffer =>
    Buffer.alloc(Buffer.from(jwk.n!, 'base64url').length, 1);
const byRsa2048 = (input: string) => sign('sha256', Buffer.from(input), RSA_2048.privateKey);

// OpenSSL refuses e ≥ n, and an exponent over 64 bits above a 3072-bit modulus: these are the
// most expensive keys it still verifies with.
const HUGE_EXPONENT = { kty: 'RSA', n: base64url(oddOfBits(3072)), e: base64url(oddOfBits(3064)) };
const HUGE_MODULUS = { kty: 'RSA', n: base64url(oddOfBits(16_384)), e: 'AQAB' };

/** The proof key lookups so far: a key is looked up only to verify a proof signature with it. */
async function proofKeyLookups(): Promise<number> {
  const scrape = await scrapeMetrics(server.adminPort);
  const dpop = (cache: string) =>
    scrape.value('agent_authz_key_resolutions_total', { method: 'dpop', cache });
  return dpop('hit') + dpop('miss');
}

/** One check's reason ('allowed' when allowed) and the process CPU it took, in µs. */
async function timedCheck(request: object): Promise<{ reason: unknown; cpuMicros: number }> {
  const before = process.cpuUsage();
  const reason = problem(await server.client.check(request))?.reason ?? 'allowed';
  const spent = process.cpuUsage(before);
  return { reason, cpuMicros: spent.user + spent.system };
}

/**
 * Sends RUNS requests of each kind, alternating, so both see the same warm-up, collections and
 * machine load: the CPU each kind spent, its proof key lookups and the reasons it got.
 */
async function spend(kinds: Readonly<Record<string, () => object>>) {
  const names = Object.keys(kinds);
  const totals = Object.fromEntries(
    names.map((name) => [name, { cpuMicros: 0, lookups: 0, reasons: new Set<unknown>() }]),
  );
  for (let run = 0; run < RUNS; run++) {
    for (const name of names) {
      const request = kinds[name]!();
      const lookupsBefore = await proofKeyLookups();
      const { reason, cpuMicros } = await timedCheck(request);
      totals[name]!.cpuMicros += cpuMicros;
      totals[name]!.lookups += (await proofKeyLookups()) - lookupsBefore;
      totals[name]!.reasons.add(reason);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { ...totals[name]!, reasons: [...totals[name]!.reasons] }]),
  );
}

/** Valid DPoP checks (an Ed25519 proof, a cached token): what an honest agent costs. */
function validCheck(): () => object {
  const agent = generateAgentKey();
  const token = issuedToken(issuer.key, nowSeconds(), { bindKey: agent.publicJwk });
  return () =>
    dpopRequest({ method: 'GET', url: URL_TEXT, token, agent, iatSeconds: nowSeconds() });
}

/** `Authorization: DPoP x.y.z` with a proof under `jwk`, signed by `signature`. */
function garbageTokenWith(
  jwk: JsonWebKey,
  signature: (input: string) => Buffer = forged(jwk),
): () => object {
  return () =>
    dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token: 'x.y.z',
      agent: generateAgentKey(),
      iatSeconds: 0,
      proof: proofWith(jwk, 'x.y.z', signature),
    });
}

/** A proof under `jwk` signed by `signature`, with `token`. */
function proofCheck(token: string, jwk: JsonWebKey, signature: (input: string) => Buffer) {
  return () =>
    dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token,
      agent: generateAgentKey(),
      iatSeconds: 0,
      proof: proofWith(jwk, token, signature),
    });
}

describe('a forged DPoP proof with a caller-chosen RSA key', () => {
  // The first checks of a process pay for compilation and first imports: not what is compared.
  beforeAll(async () => {
    await spend({ honest: validCheck() });
  });

  it.each([
    ['a 3064-bit public exponent', HUGE_EXPONENT],
    ['a 16 384-bit modulus', HUGE_MODULUS],
  ])(
    'with %s is refused before any RSA verify, within 1.5× the CPU of a valid check',
    async (_name, jwk) => {
      const { honest, hostile } = await spend({
        honest: validCheck(),
        hostile: garbageTokenWith(jwk),
      });
      expect(honest!.reasons).toEqual(['allowed']);
      expect(hostile!.reasons).toEqual(['token_invalid']);
      expect(hostile!.lookups).toBe(0);
      expect(hostile!.cpuMicros).toBeLessThan(1.5 * honest!.cpuMicros);
    },
  );

  it('is refused before the proof is verified when the access token is garbage', async () => {
    const { hostile } = await spend({ hostile: garbageTokenWith(RSA_PUBLIC, byRsa2048) });
    expect(hostile!.reasons).toEqual(['token_invalid']);
    expect(hostile!.lookups).toBe(0);
  });

  it('is refused binding_mismatch before the proof is verified when the token is bound to another key', async () => {
    const token = issuedToken(issuer.key, nowSeconds(), { bindKey: generateAgentKey().publicJwk });
    const { hostile } = await spend({ hostile: proofCheck(token, RSA_PUBLIC, byRsa2048) });
    expect(hostile!.reasons).toEqual(['binding_mismatch']);
    expect(hostile!.lookups).toBe(0);
  });
});

describe('an RSA proof key within the caps', () => {
  it('is verified and allowed when the token is bound to it (RS256, 2048 bits, e = 65537)', async () => {
    const token = issuedToken(issuer.key, nowSeconds(), { bindKey: RSA_PUBLIC });
    const { honest } = await spend({ honest: proofCheck(token, RSA_PUBLIC, byRsa2048) });
    expect(honest!.reasons).toEqual(['allowed']);
    expect(honest!.lookups).toBe(RUNS);
  });
});
