import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readForwardedClientCert } from './read-forwarded-client-cert.js';

const NO_PEER = { principal: '', certificate: '' };
const ENVOY_ELEMENT =
  'By=spiffe://cluster.local/ns/api/sa/gw;Hash=ab12;Cert="-----BEGIN%20CERTIFICATE-----%0A";' +
  'Subject="CN=agent,O=Example";URI=spiffe://cluster.local/ns/billing/sa/agent';
/** What Envoy appends with `set_current_client_cert_details: { uri: true }`: no quotes at all. */
const URI_ONLY_ELEMENT =
  'By=spiffe://cluster.local/ns/api/sa/gw;Hash=ab12;URI=spiffe://cluster.local/ns/billing/sa/agent';

describe('readForwardedClientCert', () => {
  it('reads the SPIFFE id and the URL-encoded certificate of the last hop', () => {
    const value = `By=spiffe://cluster.local/ns/a/sa/x;URI=spiffe://old/hop,${ENVOY_ELEMENT};URI=spiffe://second`;
    expect(readForwardedClientCert(value)).toEqual({
      principal: 'spiffe://cluster.local/ns/billing/sa/agent',
      certificate: '-----BEGIN%20CERTIFICATE-----%0A',
    });
  });

  it('keeps commas and semicolons inside quoted values and unescapes \\"', () => {
    expect(readForwardedClientCert('Subject="CN=a\\"b;c,d";URI=spiffe://x/y')).toEqual({
      principal: 'spiffe://x/y',
      certificate: '',
    });
  });

  it('returns empty facts for a value without URI or Cert', () => {
    expect(readForwardedClientCert('Hash=ab12')).toEqual(NO_PEER);
  });

  it('reads the element the proxy appended after a client element, as APPEND_FORWARD sends them', () => {
    expect(
      readForwardedClientCert(`URI=spiffe://cluster.local/ns/x/sa/admin, ${ENVOY_ELEMENT}`),
    ).toMatchObject({ principal: 'spiffe://cluster.local/ns/billing/sa/agent' });
  });

  it('reads no peer when a client element opens a quote it never closes, swallowing the proxy element', () => {
    const client = 'URI=spiffe://cluster.local/ns/x/sa/admin;X="';
    expect(readForwardedClientCert(`${client},${URI_ONLY_ELEMENT}`)).toEqual(NO_PEER);
    expect(readForwardedClientCert(`${client},${ENVOY_ELEMENT}`)).toEqual(NO_PEER);
  });

  it.each([
    ['a quote inside an unquoted value', 'URI=spiffe://a/"b";Hash=1'],
    ['text after a closing quote', 'Subject="CN=a"x;URI=spiffe://a/b'],
    ['a pair without =', 'URI=spiffe://a/b;Hash'],
    ['an empty key', '=x;URI=spiffe://a/b'],
    ['an empty pair', 'URI=spiffe://a/b;;Hash=1'],
    ['an empty element', 'URI=spiffe://a/b,,URI=spiffe://c/d'],
    ['a trailing escape', 'Subject="CN=a\\'],
    ['a key with a space inside', 'U RI=spiffe://a/b'],
  ])('reads no peer from a malformed header: %s', (_name, value) => {
    expect(readForwardedClientCert(value)).toEqual(NO_PEER);
  });

  test.prop([
    fc.string({ unit: fc.constantFrom('a', '=', ';', ',', '"', '\\', ' ', 'URI=', 'X') }),
    fc.constantFrom(ENVOY_ELEMENT, URI_ONLY_ELEMENT),
  ])(
    'reads whatever a client sent before the proxy element as no peer or as earlier hops',
    (prefix, appended) => {
      const { principal } = readForwardedClientCert(`${prefix},${appended}`);
      expect(['', 'spiffe://cluster.local/ns/billing/sa/agent']).toContain(principal);
    },
  );

  test.prop([fc.string({ unit: 'grapheme-ascii' })])(
    'answers any header without throwing',
    (value) => {
      const peer = readForwardedClientCert(value);
      expect(typeof peer.principal).toBe('string');
      expect(typeof peer.certificate).toBe('string');
    },
  );
});
