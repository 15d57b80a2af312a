import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  didWebSpelling,
  directorySpelling,
  keySpelling,
  renderDidWeb,
  renderDirectory,
  renderKey,
} from '../../test/support/identifier-spellings.js';
import { generateAgentKey } from '../agent/index.js';
import { canonicalAgentId, canonicalKeyId, webBotAuthAgentId } from './canonical-agent-id.js';

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

  it('leaves other ids, and ids it cannot read, unchanged', () => {
    expect(canonicalAgentId('did:web:agents.example.com')).toBe('did:web:agents.example.com');
    expect(canonicalAgentId('https://crawler.example')).toBe('https://crawler.example');
    expect(canonicalAgentId('did:jwk:not-json')).toBe('did:jwk:not-json');
    expect(canonicalAgentId('did:web:*.example.com')).toBe('did:web:*.example.com');
    expect(canonicalAgentId('https://user@crawler.example')).toBe('https://user@crawler.example');
    expect(canonicalAgentId('client-42')).toBe('client-42');
  });

  it.each([
    ['https://Crawler.Example:443/', 'https://crawler.example'],
    ['HTTPS://crawler.example:0443', 'https://crawler.example'],
    [
      'https://crawler.example/.well-known/http-message-signatures-directory?v=1',
      'https://crawler.example',
    ],
    [
      'https://crawler.example/x/../.well-known/http-message-signatures-directory?a=b',
      'https://crawler.example',
    ],
    [
      'https://crawler.example/%2Ewell-known/http-message-signatures-directory#k',
      'https://crawler.example',
    ],
    [
      'https://crawler.example:8443/keys/jwks.json?rotation=3',
      'https://crawler.example:8443/keys/jwks.json',
    ],
    ['https://crawler.example/%6Beys/a%2fb', 'https://crawler.example/keys/a%2Fb'],
  ])('reads the directory URL %s as the agent %s', (url, id) => {
    expect(canonicalAgentId(url)).toBe(id);
  });

  it.each([
    ['did:web:Agents.Example.com', 'did:web:agents.example.com'],
    ['did:web:agents.example.com%3A443', 'did:web:agents.example.com'],
    [
      'did:web:agents.example.com%3a8443:user%3aalice',
      'did:web:agents.example.com%3A8443:user%3Aalice',
    ],
    ['did:web:agents.example.com:%61lice', 'did:web:agents.example.com:alice'],
  ])('reads the did:web %s as %s', (did, id) => {
    expect(canonicalAgentId(did)).toBe(id);
    expect(canonicalKeyId(`${did}#key-1`)).toBe(`${id}#key-1`);
  });
});

describe('the identifier rules, over every spelling they accept', () => {
  test.prop([directorySpelling, directorySpelling])(
    'give every spelling of one key directory the id a request naming it is attributed to',
    (a, b) => {
      const [first, second] = [a, b].map((s) => renderDirectory(s, 'bot.example', 8443).url);
      expect(canonicalAgentId(first!)).toBe('https://bot.example:8443');
      expect(canonicalAgentId(second!)).toBe(canonicalAgentId(first!));
      expect(webBotAuthAgentId(new URL('https://bot.example:8443/'))).toBe(
        canonicalAgentId(first!),
      );
    },
  );

  test.prop([didWebSpelling])(
    'give every spelling of one did:web, and its key ids, one id',
    (s) => {
      const did = renderDidWeb(s, 'agents.example', 8443);
      expect(canonicalAgentId(did)).toBe('did:web:agents.example%3A8443');
      expect(canonicalKeyId(`${did}#key-1`)).toBe('did:web:agents.example%3A8443#key-1');
    },
  );

  test.prop([keySpelling, fc.constantFrom('ed25519', 'p256')])(
    'give every spelling of one key its did:key',
    (s, type) => {
      const key = generateAgentKey({ type: type as 'ed25519' | 'p256' });
      const { did, keyId } = renderKey(key, s);
      expect(canonicalAgentId(did)).toBe(key.didKey);
      expect(canonicalKeyId(keyId)).toBe(key.keyId);
    },
  );

  test.prop([fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true }))])(
    'are idempotent: a canonical id is its own canonical id',
    (id) => {
      const once = canonicalAgentId(id);
      expect(canonicalAgentId(once)).toBe(once);
    },
  );
});
