import { describe, expect, it } from 'vitest';
import { compileGlob, ID_SEPARATORS } from './glob.js';

const id = (pattern: string) => compileGlob(pattern, { stopAt: ID_SEPARATORS });

describe('compileGlob', () => {
  it('keeps a single * inside one part of an id', () => {
    expect(id('did:web:*.example.com').test('did:web:agents.example.com')).toBe(true);
    expect(id('did:web:*.example.com').test('did:web:evil.net:billing.example.com')).toBe(false);
    expect(
      id('spiffe://cluster.local/ns/billing/sa/*').test('spiffe://cluster.local/ns/billing/sa/api'),
    ).toBe(true);
    expect(
      id('spiffe://cluster.local/ns/billing/sa/*').test('spiffe://cluster.local/ns/billing/sa/x/y'),
    ).toBe(false);
    expect(id('did:key:*').test('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe(
      true,
    );
  });

  it('lets ** cross separators', () => {
    expect(id('did:web:example.com:**').test('did:web:example.com:agents:billing')).toBe(true);
    expect(id('spiffe://cluster.local/ns/**').test('spiffe://cluster.local/ns/a/sa/b')).toBe(true);
  });

  it('treats everything else literally', () => {
    expect(id('did:web:a.example.com').test('did:web:aXexample.com')).toBe(false);
    expect(compileGlob('/v1/(x)[y]+').test('/v1/(x)[y]+')).toBe(true);
  });

  it('lets * match anything where no separators are given (paths, hosts)', () => {
    expect(compileGlob('/payments/*').test('/payments/a/b')).toBe(true);
    expect(compileGlob('*.EXAMPLE.com', { ignoreCase: true }).test('a.b.example.com')).toBe(true);
  });
});
