import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FetchedDocument } from './fetch/fetch-https-document.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { parseClientMetadata } from './parse-client-metadata.js';
import { parseKeyDirectory } from './parse-key-directory.js';

const WELL_KNOWN = new URL('https://agent.example/.well-known/http-message-signatures-directory');
const JWKS_URL = new URL('https://agent.example/keys.json');
const OPTIONS = { nowMs: Date.UTC(2027, 0, 15), clockSkewMs: 0 };

function ed25519(): { jwk: JsonWebKey; thumbprint: string } {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return { jwk, thumbprint: jwkThumbprint(jwk as Record<string, unknown>)! };
}

function document(body: unknown): FetchedDocument {
  return { body: Buffer.from(JSON.stringify(body)), cacheControl: undefined };
}

describe('parseKeyDirectory', () => {
  it('keeps keys by thumbprint, unsigned when the response carries no signature', () => {
    const key = ed25519();
    const directory = parseKeyDirectory(document({ keys: [key.jwk] }), WELL_KNOWN, OPTIONS);
    expect([...directory.keys.keys()]).toEqual([key.thumbprint]);
    expect(directory.signed).toBe(false);
    expect(directory.keys.get(key.thumbprint)?.signedUntilMs).toBeUndefined();
    expect(directory.signedUntilMs).toBeUndefined();
  });

  it('skips an entry whose kid is not its thumbprint at the well-known URL, not elsewhere', () => {
    const key = ed25519();
    const body = document({ keys: [{ ...key.jwk, kid: 'key-1' }] });
    expect(parseKeyDirectory(body, WELL_KNOWN, OPTIONS).keys.size).toBe(0);
    expect(parseKeyDirectory(body, JWKS_URL, OPTIONS).keys.size).toBe(1);
    const matching = document({ keys: [{ ...key.jwk, kid: key.thumbprint }] });
    expect(parseKeyDirectory(matching, WELL_KNOWN, OPTIONS).keys.size).toBe(1);
  });

  it.each([
    ['a registered HTTP signature algorithm', 'ed25519', 1],
    ['the JOSE name of the same algorithm', 'EdDSA', 1],
    ['an algorithm of another key type', 'ecdsa-p256-sha256', 0],
    ['an unregistered algorithm', 'rsa-pss-sha256', 0],
    ['an object key of the prototype', 'toString', 0],
  ])('keeps a key whose alg is %s only when it matches', (_name, alg, kept) => {
    const key = ed25519();
    const body = document({ keys: [{ ...key.jwk, alg }] });
    expect(parseKeyDirectory(body, JWKS_URL, OPTIONS).keys.size).toBe(kept);
  });

  it('refuses a body that is not JSON as invalid', () => {
    const body = { body: Buffer.from('{'), cacheControl: undefined };
    expect(() => parseKeyDirectory(body, WELL_KNOWN, OPTIONS)).toThrow(
      expect.objectContaining({ outcome: 'invalid' }),
    );
  });
});

describe('parseClientMetadata', () => {
  const url = new URL('https://agent.example/client.json');

  it('reads inline jwks', () => {
    const key = ed25519();
    const metadata = parseClientMetadata(
      document({ client_id: url.href, jwks: { keys: [key.jwk] } }),
      url,
    );
    expect(metadata.kind === 'inline' && [...metadata.directory.keys.keys()]).toEqual([
      key.thumbprint,
    ]);
  });

  it('reads an https jwks_uri', () => {
    const metadata = parseClientMetadata(
      document({ client_id: url.href, jwks_uri: 'https://agent.example/jwks.json' }),
      url,
    );
    expect(metadata).toEqual({
      kind: 'jwks_uri',
      jwksUri: new URL('https://agent.example/jwks.json'),
    });
  });

  it.each([
    [
      'a client_id that is not the URL',
      { client_id: 'https://other.example/client.json', jwks: { keys: [] } },
    ],
    [
      'an http jwks_uri',
      {
        client_id: 'https://agent.example/client.json',
        jwks_uri: 'http://agent.example/jwks.json',
      },
    ],
    ['neither jwks nor jwks_uri', { client_id: 'https://agent.example/client.json' }],
    ['an array', []],
  ])('refuses %s as invalid', (_name, body) => {
    expect(() => parseClientMetadata(document(body), url)).toThrow(
      expect.objectContaining({ outcome: 'invalid' }),
    );
  });
});
