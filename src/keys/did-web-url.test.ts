import { describe, expect, it } from 'vitest';
import { didWebUrl } from './did-web-url.js';

describe('didWebUrl (did:web method specification, Read)', () => {
  it.each([
    ['w3c-ccg.github.io', 'https://w3c-ccg.github.io/.well-known/did.json'],
    ['w3c-ccg.github.io:user:alice', 'https://w3c-ccg.github.io/user/alice/did.json'],
    ['example.com%3A3000:user:alice', 'https://example.com:3000/user/alice/did.json'],
    ['example.com%3a8443', 'https://example.com:8443/.well-known/did.json'],
    ['Example.COM', 'https://example.com/.well-known/did.json'],
    ['example.com:agents:bill%20ing', 'https://example.com/agents/bill%20ing/did.json'],
  ])('maps did:web:%s to %s', (id, url) => {
    expect(didWebUrl(id)?.href).toBe(url);
  });

  it.each([
    ['an empty id', ''],
    ['a port without a host', '%3A443'],
    ['a raw colon port (a path segment named 8443 is fine, this is a bad host)', 'exa_mple.com'],
    ['a dot-dot segment', 'example.com:..:secret'],
    ['an empty segment', 'example.com::alice'],
    ['a slash inside a segment', 'example.com:a/b'],
    ['userinfo smuggled into the host', 'user@example.com'],
    ['port 0', 'example.com%3A0'],
    ['a port above 65535', 'example.com%3A70000'],
  ])('refuses %s', (_name, id) => {
    expect(didWebUrl(id)).toBeNull();
  });
});
