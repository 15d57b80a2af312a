import { createHash } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { type InnerList, type Parameters, serializeDictionary } from 'structured-headers';
import { describe, expect } from 'vitest';
import { generateAgentKey, signRequest } from '../agent/index.js';
import { webBotAuthSettings } from '../app/web-bot-auth-settings.js';
import { loadConfig } from '../config/load-config.js';
import type { Decision } from '../decision/decision.js';
import { REASON_CODES } from '../errors.js';
import { networkDisabled } from '../keys/resolve-directory-key.js';
import { createKeyResolver } from '../keys/resolve-verification-key.js';
import { DEFAULT_POLICY } from '../policy/load-policy.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { isExactText } from '../request/field-bytes.js';
import { createMemoryStore } from '../store/memory/create-memory-store.js';
import { runCheck } from './check.js';
import type { CheckDeps } from './check-deps.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_SECONDS = NOW_MS / 1000;
const URL_TEXT = 'https://api.example.com/orders?limit=10';
const BODY = '{"item":"book","quantity":1}';
const BODY_DIGEST = `sha-256=:${createHash('sha256').update(BODY).digest('base64')}:`;
const KEY = generateAgentKey();

/** Failures runCheck reported as the authorizer's own fault; any is a bug. */
const internalErrors: unknown[] = [];

/** Built as createEngine in src/app/create-engine.ts does, with a frozen clock. */
const deps: CheckDeps = {
  resolveKey: createKeyResolver({ cacheSize: 1000 }),
  resolveDirectoryKey: networkDisabled,
  store: createMemoryStore({ maxAgents: 1000, maxEntries: 100_000 }),
  policy: () => DEFAULT_POLICY,
  window: { maxAgeMs: 300_000, clockSkewMs: 30_000 },
  signatureLimits: { maxSignatures: 8, maxComponents: 32 },
  allowTestKeys: false,
  webBotAuth: webBotAuthSettings(loadConfig({ env: {}, flags: [] }).webBotAuth),
  tokens: undefined,
  onStoreError: 'deny',
  onStoreDegraded: () => {},
  clock: () => NOW_MS,
  onInternalError: (error) => internalErrors.push(error),
  onHistoryError: (error) => internalErrors.push(error),
};

/** A POST with a body, as the gRPC transport normalises what Envoy sends. */
function authzRequest(headers: Readonly<Record<string, string | undefined>>): AuthzRequest {
  const fields = new Map<string, string[]>([
    ['content-type', ['application/json']],
    ['content-length', [String(Buffer.byteLength(BODY))]],
    ['user-agent', ['agent-authz-fuzz/1.0']],
  ]);
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) fields.set(name, [value]);
  }
  return {
    method: 'POST',
    receivedMethod: 'POST',
    scheme: 'https',
    authority: 'api.example.com',
    path: '/orders',
    query: 'limit=10',
    headers: fields,
    body: { bytes: new TextEncoder().encode(BODY), truncated: false },
    source: {
      principal: 'spiffe://cluster.local/ns/shop/sa/checkout',
      certificate: '',
      address: '10.0.4.17:51514',
    },
    contextExtensions: {},
    requestId: '6f1c2d6e-1b7e-4a59-9a43-3f0b1f7c2e11',
  };
}

/** runCheck must resolve, and a denial must carry a caller-facing reason code. */
async function checkNeverFails(request: AuthzRequest): Promise<Decision> {
  const decision = await runCheck(request, deps);
  if (!decision.allowed) {
    expect(REASON_CODES).toContain(decision.reason);
    expect(decision.reason).not.toBe('internal_error');
  }
  expect(internalErrors).toEqual([]);
  return decision;
}

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
);
const maybeText = fc.option(anyText, { nil: undefined });

/** A valid header with a few characters deleted, replaced or inserted at random places. */
function mutated(valid: string) {
  const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: anyText });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce((text, { at, remove, insert }) => {
      const start = at % (text.length + 1);
      return text.slice(0, start) + insert.slice(0, 4) + text.slice(start + remove);
    }, valid),
  );
}

/** Printable ASCII: what an sf-string may hold. */
const sfString = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

/** Key ids that reach the resolver: mostly ours (so later stages run), near misses, arbitrary DIDs. */
const keyId = fc.oneof(
  { arbitrary: fc.constant(KEY.keyId), weight: 6 },
  fc.constant(KEY.didJwkKeyId),
  sfString,
  sfString.map((id) => `did:key:${id}`),
  fc
    .tuple(sfString, sfString)
    .map(([id, fragment]) => `did:jwk:${Buffer.from(id).toString('base64url')}#${fragment}`),
  fc.json().map((json) => `did:jwk:${Buffer.from(json).toString('base64url')}#0`),
  // Shaped like an RFC 7638 thumbprint, the keyid of a Web Bot Auth signature.
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')),
);

const REQUIRED = ['@method', '@authority', '@path', '@query', 'content-digest'] as const;
/** Components beyond the required ones, with the parameters RFC 9421 §2.1 defines and others. */
const extraComponent = fc.tuple(
  fc.constantFrom(
    '@target-uri',
    '@request-target',
    '@scheme',
    '@status',
    '@query-param',
    '@signature-params',
    'content-type',
    'content-digest',
    'signature-agent',
    'agent-purpose',
    'x-absent',
  ),
  fc.constantFrom<Parameters>(
    new Map(),
    new Map([['sf', true]]),
    new Map([['bs', true]]),
    new Map([['key', 'sha-256']]),
    new Map([['key', 'sig1']]),
    new Map([['key', 'a']]),
    new Map([['key', 1]]),
    new Map([['name', 'limit']]),
    new Map([['req', true]]),
  ),
);

/** A well-formed Signature-Input whose parameter values and extra components vary. */
const structuredSignatureInput = fc
  .record({
    extra: fc.array(extraComponent, { maxLength: 3 }),
    keyid: keyId,
    created: fc.oneof(
      { arbitrary: fc.constant(NOW_SECONDS), weight: 4 },
      fc.integer({ min: NOW_SECONDS - 400, max: NOW_SECONDS + 60 }),
    ),
    expires: fc.option(fc.integer({ min: NOW_SECONDS - 60, max: NOW_SECONDS + 600 }), {
      nil: undefined,
      freq: 2,
    }),
    nonce: fc.oneof({ arbitrary: fc.uuid(), weight: 4 }, sfString),
    alg: fc.option(fc.constantFrom('ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512', 'hs2019'), {
      nil: undefined,
      freq: 2,
    }),
    // web-bot-auth signatures take the Web Bot Auth path up to the (disabled) directory fetch.
    tag: fc.option(fc.constantFrom('agent-authz', 'web-bot-auth', 'other'), { nil: undefined }),
  })
  .map(({ extra, keyid, created, expires, nonce, alg, tag }) => {
    const params: Parameters = new Map<string, string | number>([
      ['created', created],
      ['keyid', keyid],
      ['nonce', nonce],
    ]);
    if (expires !== undefined) params.set('expires', expires);
    if (alg !== undefined) params.set('alg', alg);
    if (tag !== undefined) params.set('tag', tag);
    const components = [...REQUIRED.map((name) => [name, new Map()] as const), ...extra];
    const innerList = [components, params] as InnerList;
    return serializeDictionary(new Map([['sig1', innerList]]));
  });

const signatureBytes = fc
  .uint8Array({ minLength: 0, maxLength: 80 })
  .map((bytes) => `sig1=:${Buffer.from(bytes).toString('base64')}:`);

/** A genuine signature over this request, covering a content-digest whose value is `digest`. */
function signedWithDigest(digest: string): Record<string, string> {
  const headers = { 'content-type': 'application/json', 'content-digest': digest };
  return {
    ...headers,
    ...signRequest({
      method: 'POST',
      url: URL_TEXT,
      headers,
      key: KEY,
      created: NOW_SECONDS,
      coverHeaders: ['content-digest'],
    }),
  };
}

const VALID = signedWithDigest(BODY_DIGEST);

describe('runCheck on arbitrary credential headers', () => {
  test.prop({ input: maybeText, signature: maybeText, digest: maybeText }, { numRuns: 300 })(
    'always resolves to a decision for any signature-input, signature and content-digest',
    async ({ input, signature, digest }) => {
      await checkNeverFails(
        authzRequest({ 'signature-input': input, signature, 'content-digest': digest }),
      );
    },
  );

  test.prop(
    {
      input: fc.oneof(mutated(VALID['signature-input']!), fc.constant(VALID['signature-input'])),
      signature: fc.oneof(mutated(VALID.signature!), fc.constant(VALID.signature)),
      digest: fc.oneof(mutated(BODY_DIGEST), fc.constant(BODY_DIGEST)),
    },
    { numRuns: 300 },
  )('always resolves to a decision for mutations of a validly signed request', async (values) => {
    await checkNeverFails(
      authzRequest({
        'signature-input': values.input,
        signature: values.signature,
        'content-digest': values.digest,
      }),
    );
  });

  test.prop(
    {
      input: structuredSignatureInput,
      signature: signatureBytes,
      digest: fc.oneof(fc.constant(BODY_DIGEST), anyText),
      purpose: maybeText,
      agent: fc.oneof(
        maybeText,
        fc.constant('a="https://agent.example"'),
        sfString.map((t) => `a="${t.replaceAll('"', '').replaceAll('\\', '')}"`),
      ),
    },
    { numRuns: 300 },
  )(
    'always resolves to a decision for well-formed signature inputs with arbitrary parameters',
    async ({ input, signature, digest, purpose, agent }) => {
      await checkNeverFails(
        authzRequest({
          'signature-input': input,
          signature,
          'content-digest': digest,
          'agent-purpose': purpose,
          'signature-agent': agent,
        }),
      );
    },
  );

  // Signable text only: a lone surrogate stands for a byte that was not UTF-8 (field-bytes.ts),
  // which no signature over text covers, and CR, LF or NUL outside an obs-fold would split the
  // signature base, so the signer refuses them (signature-base.ts).
  const signable = fc
    .oneof(anyText, mutated(BODY_DIGEST))
    .filter(
      (text) => isExactText(text) && !/[\0\r\n]/.test(text.replace(/[ \t]*\r\n[ \t]+/g, ' ')),
    );
  test.prop({ digest: signable }, { numRuns: 300 })(
    'always resolves to a decision when a genuinely signed content-digest is arbitrary',
    async ({ digest }) => {
      const decision = await checkNeverFails(authzRequest(signedWithDigest(digest)));
      if (!decision.allowed) {
        expect(['digest_mismatch', 'credential_malformed']).toContain(decision.reason);
      }
    },
  );
});
