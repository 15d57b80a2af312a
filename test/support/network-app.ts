import type { DocumentHost } from './start-document-host.js';

/** Config flags for a server that resolves did:web and key directories from `host`. */
export function networkFlags(host: DocumentHost, extra: string[] = []): string[] {
  return [
    '--resolver.network=true',
    '--resolver.allow-private-networks=true',
    `--resolver.ca-file=${host.caFile}`,
    // Generous: these tests are about caching, not about slow origins (see slow-origin tests).
    '--resolver.max-wait=2s',
    ...extra,
  ];
}

export const DID_JSON = { 'content-type': 'application/did+json' } as const;
