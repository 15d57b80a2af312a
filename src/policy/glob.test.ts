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

describe('compileGlob on hostile input', () => {
  it('places each * where later parts can still match, mixing * and **', () => {
    const pattern = compileGlob('x**y*z', { stopAt: ':' });
    expect(pattern.test('xy:yz')).toBe(true);
    expect(pattern.test('xy:y:z')).toBe(false);
    expect(compileGlob('a***b').test('a:/b')).toBe(true);
  });

  it('answers a three-star glob over a 57 KB candidate', () => {
    const glob = compileGlob('/a*b*c*d');
    const long = `/a${'b'.repeat(1_000)}${'x'.repeat(56_000)}c`;
    expect(glob.test(long)).toBe(false);
    expect(glob.test(`${long}d`)).toBe(true);
    expect(compileGlob('/a*b*c*d').test(`/a${'bc'.repeat(28_500)}`)).toBe(false);
  });
});
