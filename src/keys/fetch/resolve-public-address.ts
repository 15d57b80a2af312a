import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './check-address.js';
import { FetchFailure } from './fetch-outcomes.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution, injected so tests can point a public-looking name at 127.0.0.1. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: HostLookup = async (hostname) =>
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
