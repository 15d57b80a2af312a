import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './check-address.js';
import { FetchFailure } from './fetch-outcomes.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, injected so tests can point a public-looking name at 127.0.0.1. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The two c-ares queries the lookup makes (node:dns `Resolver` has them). */
export interface AddressResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

/**
 * DNS through c-ares (`resolve4` / `resolve6`), not `getaddrinfo`: `dns.lookup` runs on libuv's
 * four-thread pool, so a hostile slow name server could stall it — and with it every WebCrypto
 * token verification queued behind. /etc/hosts is therefore not consulted.
 */
export function dnsLookup(resolver: AddressResolver): HostLookup {
  return async (hostname) => {
    const [v4, v6] = await Promise.allSettled([
      resolver.resolve4(hostname),
      resolver.resolve6(hostname),
    ]);
    const answers: ResolvedAddress[] = [
      ...(v4.status === 'fulfilled'
        ? v4.value.map((address) => ({ address, family: 4 as const }))
        : []),
      ...(v6.status === 'fulfilled'
        ? v6.value.map((address) => ({ address, family: 6 as const }))
        : []),
    ];
    if (answers.length === 0) {
      throw v4.status === 'rejected' ? v4.reason : new Error('no address records');
    }
    return answers;
  };
}

export const systemLookup: HostLookup = dnsLookup(new Resolver({ timeout: 1000, tries: 2 }));

/**
 * `getaddrinfo` (hosts file, search domains), for URLs the operator configured — an issuer's
 * `jwksUri` may well be an internal short name — and for names a request chose only where the
 * operator allows private networks (`localhost`, hosts-file and cluster names then resolve as
 * the host resolves them). Never on the public path, for the thread-pool reason above.
 */
export const operatorLookup: HostLookup = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })) as ResolvedAddress[];

/**
 * Resolves `hostname` once and returns the address to connect to. Unless private networks are
 * allowed, every answer must be public: the connection then goes to the checked address
 * itself, so a second DNS answer (rebinding) can never redirect it.
 */
export async function resolvePublicAddress(
  hostname: string,
  options: { readonly lookup: HostLookup; readonly allowPrivateNetworks: boolean },
): Promise<ResolvedAddress> {
  const literal = isIP(hostname);
  const answers: readonly ResolvedAddress[] =
    literal === 0
      ? await options.lookup(hostname).catch((error: unknown) => {
          throw new FetchFailure('failed', 'the host name does not resolve', { cause: error });
        })
      : [{ address: hostname, family: literal as 4 | 6 }];
  const [first] = answers;
  if (first === undefined) throw new FetchFailure('failed', 'the host name does not resolve');
  if (!options.allowPrivateNetworks && !answers.every(({ address }) => isPublicAddress(address))) {
    throw new FetchFailure('refused', 'the host resolves to a private or reserved address');
  }
  return first;
}
