import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../agent/index.js';
import { canonicalAgentId, canonicalKeyId } from './canonical-agent-id.js';

const didJwk = (jwk: object) => `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;

describe('canonicalAgentId', () => {
  it.each(['ed25519', 'p256'] as const)(
    'maps every encoding of a %s did:jwk to its did:key',
    (type) => {
      const key = generateAgentKey({ type });
      const reordered = Object.fromEntries(Object.entries(key.publicJwk).reverse());
      expect(canonicalAgentId(key.didJwk)).toBe(key.didKey);
      expect(canonicalAgentId(didJwk(reordered))).toBe(key.didKey);
      expect(canonicalAgentId(didJwk({ ...key.publicJwk, kid: 'x', use: 'sig' }))).toBe(key.didKey);
      expect(canonicalAgentId(key.didKey)).toBe(key.didKey);
    },
  );

  it('maps a P-256 did:jwk with zero-padded coordinates to the same did:key', () => {
    const key = generateAgentKey({ type: 'p256' });
    const pad = (coordinate: string) =>
      Buffer.concat([Buffer.of(0), Buffer.from(coordinate, 'base64url')]).toString('base64url');
    const padded = { ...key.publicJwk, y: pad(key.publicJwk.y!) };
    expect(canonicalAgentId(didJwk(padded))).toBe(key.didKey);
  });

  it('maps a did:jwk key id to the did:key key id', () => {
    const key = generateAgentKey();
    expect(canonicalKeyId(key.didJwkKeyId)).toBe(key.keyId);
    expect(canonicalKeyId(key.keyId)).toBe(key.keyId);
    expect(canonicalKeyId('did:web:a.example#k')).toBe('did:web:a.example#k');
  });

  it('leaves other ids, and did:jwk it cannot read, unchanged', () => {
    expect(canonicalAgentId('did:web:agents.example.com')).toBe('did:web:agents.example.com');
    expect(canonicalAgentId('https://crawler.example')).toBe('https://crawler.example');
    expect(canonicalAgentId('did:jwk:not-json')).toBe('did:jwk:not-json');
  });
});
