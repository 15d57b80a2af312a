import { isIPv4, isIPv6 } from 'node:net';

/** A peer address as Envoy reports it over gRPC: `ip:port`, IPv6 in brackets. */
const WITH_PORT = /^(?:\[([^\]]+)\]|([^:[\]]+)):\d+$/;
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Who a key fetch is charged to, for each client's share of the fetch slots: the peer's
 * principal (a SPIFFE id: the workload) when Envoy reports one, else the downstream client's IP
 * address — an IPv6 one by its /64, which one host is usually given whole. Undefined when
 * neither identifies the client: over the HTTP transport the socket peer is Envoy itself,
 * reported without a port, so those fetches are bounded by the global and per-origin limits
 * only (a principal from `x-forwarded-client-cert` still counts).
 */
export function fetchRequester(source: {
  readonly principal: string;
  readonly address: string;
}): string | undefined {
  if (source.principal !== '') return `principal ${source.principal}`;
  const match = WITH_PORT.exec(source.address);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined) return undefined;
  const ipv4 = isIPv4(host) ? host : MAPPED_IPV4.exec(host)?.[1];
  if (ipv4 !== undefined) return `address ${ipv4}`;
  const bare = host.replace(/%.*$/, '');
  return isIPv6(bare) ? `address ${ipv6Prefix64(bare)}/64` : undefined;
}

/** The first four groups of an IPv6 address, `::` expanded, each without leading zeros. */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}
