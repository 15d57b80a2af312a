import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSigner, createVerifier, httpbis } from 'http-message-signatures';
import { describe, expect, it } from 'vitest';
import { directoryResponseHeaders } from 'web-bot-auth';
import { signerFromJWK } from 'web-bot-auth/crypto';
import { checkKeyDirectory } from '../../src/agent/check-directory/check-key-directory.js';
import { keyDirectory, publishedKeyFromJwk } from '../../src/agent/key-directory.js';
import { signDirectoryResponse } from '../../src/agent/sign-directory-response.js';
import { DIRECTORY_PATH, DIRECTORY_TYPE } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';

/*
 * Directory response signatures (tag http-message-signatures-directory) across implementations:
 * ours (agent-authz directory serve --sign) checked by http-message-signatures' verifier, and
 * directories signed by other libraries checked by `agent-authz directory check`.
 */
const host = useDocumentHost();
const NOW_S = Math.floor(Date.now() / 1000);
const RESOLVER = {
  network: true,
  allowPrivateNetworks: true,
  allowedHosts: [],
  timeout: 2000,
  maxBytes: 65_536,
  cacheTtl: { min: 60_000, max: 3_600_000 },
};
const check = (origin: string) =>
  checkKeyDirectory(origin, {
    resolver: RESOLVER,
    extraCa: readFileSync(host.caFile, 'utf8'),
    clock: () => NOW_S * 1000,
    lookup: host.lookup,
  });

const newKey = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });

describe('a directory response signed by agent-authz', () => {
  it('verifies with http-message-signatures as a response to the request that fetched it', async () => {
    const key = publishedKeyFromJwk(newKey());
    const body = JSON.stringify(keyDirectory([key]));
    const headers = signDirectoryResponse({
      body,
      authority: 'agent.example',
      keys: [key],
      expiresIn: 600,
    });
    const verified = await httpbis.verifyMessage(
      {
        keyLookup: async (params) => {
          expect(params.keyid).toBe(key.thumbprint);
          const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
          return {
            id: key.thumbprint,
            algs: ['ed25519'],
            verify: createVerifier(publicKey, 'ed25519'),
          };
        },
        requiredFields: ['@authority', 'content-digest'],
      },
      { status: 200, headers: { ...DIRECTORY_TYPE, ...headers } },
      { method: 'GET', url: `https://agent.example${DIRECTORY_PATH}`, headers: {} },
    );
    expect(verified).toBe(true);
  });
});

describe('directory check of a directory signed by another library', () => {
  it('finds a signature by http-message-signatures over "@authority";req and content-digest valid', async () => {
    const jwk = newKey();
    const key = publishedKeyFromJwk(jwk);
    const hostname = 'hms-signed.example.test';
    const body = JSON.stringify(keyDirectory([key]));
    const digest = signDirectoryResponse({ body, authority: 'x', keys: [key], expiresIn: 1 })[
      'content-digest'
    ]!;
    const signed = await httpbis.signMessage(
      {
        key: createSigner(createPrivateKey({ key: jwk, format: 'jwk' }), 'ed25519', key.thumbprint),
        fields: ['"@authority";req', 'content-digest'],
        params: ['created', 'expires', 'keyid', 'tag'],
        paramValues: {
          created: new Date(NOW_S * 1000),
          expires: new Date((NOW_S + 600) * 1000),
          tag: 'http-message-signatures-directory',
        },
      },
      { status: 200, headers: { ...DIRECTORY_TYPE, 'content-digest': digest } },
      { method: 'GET', url: `${host.origin(hostname)}${DIRECTORY_PATH}`, headers: {} },
    );
    host.serve(hostname, DIRECTORY_PATH, {
      headers: { ...(signed.headers as Record<string, string>), 'cache-control': 'max-age=600' },
      body,
    });
    const report = await check(host.origin(hostname));
    expect(report.clean).toBe(true);
    expect(report.keys[0]).toMatchObject({ thumbprint: key.thumbprint, signedResponse: true });
  });

  it('reports a Cloudflare web-bot-auth 0.1.3 signature as covering "@authority";req without content-digest', async () => {
    const jwk = newKey();
    const key = publishedKeyFromJwk(jwk);
    const hostname = 'cf-signed.example.test';
    const body = JSON.stringify(keyDirectory([key]));
    const signatures = await directoryResponseHeaders(
      {
        request: { method: 'GET', url: `${host.origin(hostname)}${DIRECTORY_PATH}`, headers: {} },
        response: { status: 200, headers: DIRECTORY_TYPE },
      },
      [await signerFromJWK(jwk)],
      { created: new Date(NOW_S * 1000), expires: new Date((NOW_S + 600) * 1000) },
    );
    host.serve(hostname, DIRECTORY_PATH, {
      headers: { ...DIRECTORY_TYPE, 'cache-control': 'max-age=600', ...signatures },
      body,
    });
    const report = await check(host.origin(hostname));
    const problem = report.findings.find((f) => f.code === 'response_signature_invalid');
    expect(problem?.message).toContain('it must cover "@authority";req and "content-digest"');
    expect(report.keys[0]?.signedResponse).toBe(false);
  });
});
