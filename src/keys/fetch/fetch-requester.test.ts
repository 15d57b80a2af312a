import { describe, expect, it } from 'vitest';
import { fetchRequester } from './fetch-requester.js';

const from = (address: string, principal = '') => fetchRequester({ address, principal });

describe('fetchRequester', () => {
  it('is the principal when Envoy reports one, whatever the address', () => {
    const spiffe = 'spiffe://cluster.local/ns/a/sa/b';
    expect(from('10.0.0.1:5000', spiffe)).toBe(`principal ${spiffe}`);
    expect(from('', spiffe)).toBe(`principal ${spiffe}`);
  });

  it('is the IPv4 address without its port', () => {
    expect(from('203.0.113.7:53122')).toBe('address 203.0.113.7');
    expect(from('203.0.113.7:1')).toBe(from('203.0.113.7:2'));
    expect(from('[::ffff:203.0.113.7]:443')).toBe('address 203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(from('[2001:db8:1:2:aaaa::1]:443')).toBe('address 2001:db8:1:2/64');
    expect(from('[2001:0db8:0001:0002:ffff:0:0:9]:1')).toBe('address 2001:db8:1:2/64');
    expect(from('[2001:db8::1]:443')).toBe('address 2001:db8:0:0/64');
    expect(from('[fe80::1%eth0]:443')).toBe('address fe80:0:0:0/64');
  });

  it('is undefined for an address without a port (the HTTP transport reports Envoy) or none', () => {
    expect(from('127.0.0.1')).toBeUndefined();
    expect(from('::1')).toBeUndefined();
    expect(from('::ffff:127.0.0.1')).toBeUndefined();
    expect(from('')).toBeUndefined();
    expect(from('not-an-ip:80')).toBeUndefined();
  });
});
