import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './check-address.js';

describe('isPublicAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'RFC 1918'],
    ['172.20.0.5', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['100.64.1.1', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback beyond .1'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified v6'],
    ['::1', 'loopback v6'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local v6'],
    ['ff02::1', 'multicast v6'],
    ['not-an-address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2606:4700:4700::1111'])(
    'accepts the public address %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});
