import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a fetch named by a caller must never reach unless `allowPrivateNetworks`:
 * everything that is not a globally routed unicast address (RFC 6890 special-purpose
 * registries), so a hostile `did:web` or `Signature-Agent` cannot aim the authorizer at the
 * cluster, the cloud metadata endpoint or the host itself.
 */
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918 private
  ['100.64.0.0', 10], // RFC 6598 carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918 private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918 private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

const NON_PUBLIC_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified, loopback, deprecated IPv4-compatible
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

/**
 * Well-known NAT64 (RFC 6052) carries an IPv4 address, checked against the IPv4 list. BlockList
 * already applies the IPv4 rules to IPv4-mapped addresses (`::ffff:10.0.0.1`).
 */
const NAT64 = /^64:ff9b::/i;

const blocked = new BlockList();
for (const [address, prefix] of NON_PUBLIC_V4) blocked.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of NON_PUBLIC_V6) blocked.addSubnet(address, prefix, 'ipv6');

/** True for a globally routed unicast address; false for anything else, or not an address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  if (blocked.check(address, 'ipv6')) return false;
  const embedded = embeddedIpv4(address);
  return embedded === undefined || !blocked.check(embedded, 'ipv4');
}

/** The IPv4 address inside a NAT64 IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  if (!NAT64.test(address)) return undefined;
  const tail = address.slice(address.lastIndexOf(':') + 1);
  if (isIP(tail) === 4) return tail;
  // Hex form (`64:ff9b::7f00:1`): the last two groups are the IPv4 address.
  const groups = address.split(':').slice(-2);
  if (groups.length !== 2 || groups.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) {
    return undefined;
  }
  const value = (Number.parseInt(groups[0]!, 16) << 16) | Number.parseInt(groups[1]!, 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}
