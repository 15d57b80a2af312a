import { describe, expect, it } from 'vitest';
import { parseDidDocument } from './parse-did-document.js';

const body = (document: unknown) => Buffer.from(JSON.stringify(document));
const method = (i: number) => ({
  id: `did:web:a.example#k${i}`,
  type: 'JsonWebKey2020',
  controller: 'did:web:a.example',
  publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', padding: 'x'.repeat(1000) },
  extra: 'y'.repeat(1000),
});

describe('parseDidDocument', () => {
  it('keeps what key selection reads and drops everything else', () => {
    const parsed = parseDidDocument(
      body({
        id: 'did:web:a.example',
        service: ['z'.repeat(5000)],
        verificationMethod: [method(0)],
        authentication: ['#k0'],
      }),
    );
    expect(parsed).toEqual({
      id: 'did:web:a.example',
      verificationMethod: [
        {
          id: 'did:web:a.example#k0',
          type: 'JsonWebKey2020',
          controller: 'did:web:a.example',
          publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' },
        },
      ],
      authentication: ['#k0'],
    });
    expect(JSON.stringify(parsed).length).toBeLessThan(300);
  });

  it('keeps private JWK members so the key import can refuse them', () => {
    const withPrivate = {
      ...method(0),
      publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: 'AA', d: 'BB' },
    };
    const parsed = parseDidDocument(
      body({ id: 'did:web:a.example', verificationMethod: [withPrivate] }),
    );
    expect(parsed.verificationMethod?.[0]?.publicKeyJwk).toMatchObject({ d: 'BB' });
  });

  it('refuses a document with more verification methods than it caches', () => {
    // 64 is the ceiling of resolver.maxKeys, which is checked before parsing.
    const many = Array.from({ length: 65 }, (_, i) => method(i));
    expect(() =>
      parseDidDocument(body({ id: 'did:web:a.example', verificationMethod: many })),
    ).toThrow('not a valid DID document');
  });
});
