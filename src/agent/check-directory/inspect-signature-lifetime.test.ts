import { describe, expect, it } from 'vitest';
import { inspectSignatureLifetime } from './inspect-signature-lifetime.js';

const NOW_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
const BOUNDS = { minMs: 60_000, maxMs: 3_600_000 };
const signedFor = (seconds: number) => new Map([['thumbprint', NOW_MS + seconds * 1000]]);
const codes = (headers: Record<string, string>, seconds: number) =>
  inspectSignatureLifetime(headers, signedFor(seconds), NOW_MS, BOUNDS).map((f) => f.code);

describe('inspectSignatureLifetime', () => {
  it.each([
    ['a max-age longer than the signature', { 'cache-control': 'max-age=3600' }, 600, true],
    ['a max-age beyond this server’s cap', { 'cache-control': 'max-age=86400' }, 7200, true],
    ['no Cache-Control, a signature shorter than cacheTtl.min', {}, 30, true],
    ['a signature as long as the max-age', { 'cache-control': 'max-age=600' }, 600, false],
    ['a signature longer than the max-age', { 'cache-control': 's-maxage=60' }, 3600, false],
  ])('with %s warns: %s', (_name, headers, seconds, warns) => {
    expect(codes(headers, seconds)).toEqual(warns ? ['signature_shorter_than_cache'] : []);
  });

  it('says when this server fetches the directory again: at expiry, not before cacheTtl.min', () => {
    const [soon] = inspectSignatureLifetime(
      { 'cache-control': 'max-age=3600' },
      signedFor(3),
      NOW_MS,
      BOUNDS,
    );
    expect(soon?.message).toContain('fetches the directory again after 60 s');
    const [later] = inspectSignatureLifetime(
      { 'cache-control': 'max-age=3600' },
      signedFor(900),
      NOW_MS,
      BOUNDS,
    );
    expect(later?.message).toContain('fetches the directory again after 900 s');
  });

  it('has nothing to say of an unsigned response', () => {
    expect(inspectSignatureLifetime({}, new Map(), NOW_MS, BOUNDS)).toEqual([]);
  });
});
