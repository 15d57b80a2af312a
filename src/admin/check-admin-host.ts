import { isIPv4, isIPv6 } from 'node:net';

/**
 * The DNS-rebinding guard: a page on an attacker's site can point its own name at 127.0.0.1 and
 * read a loopback admin port, but the browser still sends that name as `Host`. The admin API
 * answers only a Host that cannot be rebound — an IP literal, `localhost` — or a name the
 * operator listed in `admin.allowedHosts` (a Service name, say). Probes and scrapers that address
 * the pod by IP keep working. A request without Host (HTTP/1.0 tools) is no browser's and passes.
 */
export function isAllowedAdminHost(
  hostHeader: string | undefined,
  allowedHosts: ReadonlySet<string>,
): boolean {
  if (hostHeader === undefined) return true;
  const host = hostName(hostHeader.trim().toLowerCase());
  if (host === undefined) return false;
  if (isIPv4(host) || isIPv6(host)) return true;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return name === 'localhost' || allowedHosts.has(name);
}

/** The name or address of a Host value, without its port; undefined when it is not one. */
function hostName(value: string): string | undefined {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1 || !isPortSuffix(value.slice(end + 1))) return undefined;
    return value.slice(1, end);
  }
  const colon = value.indexOf(':');
  if (colon === -1) return value === '' ? undefined : value;
  if (!isPortSuffix(value.slice(colon))) return undefined;
  return colon === 0 ? undefined : value.slice(0, colon);
}

const isPortSuffix = (rest: string): boolean => rest === '' || /^:\d{1,5}$/.test(rest);
