import { describe, expect, it } from 'vitest';
import { readForwardedClientCert } from './read-forwarded-client-cert.js';

describe('readForwardedClientCert', () => {
  it('reads the SPIFFE id and the URL-encoded certificate of the last hop', () => {
    const value =
      'By=spiffe://cluster.local/ns/a/sa/x;URI=spiffe://old/hop,' +
      'By=spiffe://cluster.local/ns/api/sa/gw;Hash=ab12;Cert="-----BEGIN%20CERTIFICATE-----%0A";' +
      'Subject="CN=agent,O=Example";URI=spiffe://cluster.local/ns/billing/sa/agent;URI=spiffe://second';
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
    expect(readForwardedClientCert('Hash=ab12')).toEqual({ principal: '', certificate: '' });
  });
});
