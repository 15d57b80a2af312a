import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import type { RequestShape } from './envoy-check-request.js';
import { signedCheck } from './signed-check.js';
import type { DocumentHost } from './start-document-host.js';

/** Config flags for a server that resolves did:web and key directories from `host`. */
export function networkFlags(host: DocumentHost, extra: string[] = []): string[] {
  return [
    '--resolver.network=true',
    '--resolver.allow-private-networks=true',
    `--resolver.ca-file=${host.caFile}`,
    // Generous: these tests are about caching, not about slow origins (see slow-origin tests).
    // resolver.maxWait must stay below limits.checkTimeout.
    '--resolver.max-wait=2s',
    '--limits.check-timeout=10s',
    ...extra,
  ];
}

export const DID_JSON = { 'content-type': 'application/did+json' } as const;

/**
 * The `resolver` settings `agent-authz directory check` is given for a test host: the server's
 * defaults, with private addresses allowed (the host is on 127.0.0.1).
 */
export const TEST_HOST_RESOLVER = {
  network: true,
  allowPrivateNetworks: true,
  allowedHosts: [],
  timeout: 2000,
  maxBytes: 65_536,
  cacheTtl: { min: 60_000, max: 3_600_000 },
} as const;

const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/**
 * Publishes a fresh key as the did:web of `hostname` (at the host's port, bare-domain form)
 * and returns the DID with a way to sign a GET by that key at `nowMs` (the server's clock),
 * sent as it was signed or with `sent` changed (e.g. another source address).
 */
export function publishedDidWeb(
  host: DocumentHost,
  hostname: string,
  nowMs: number,
  options: { delayMs?: number } = {},
): { did: string; hostname: string; request: (sent?: Partial<RequestShape>) => object } {
  const did = `did:web:${hostname}%3A${host.port}`;
  const key = generateAgentKey();
  const { document, keyId } = didWebDocument(did, key.publicJwk);
  host.serve(hostname, '/.well-known/did.json', {
    headers: DID_JSON,
    body: JSON.stringify(document),
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
  });
  const created = Math.floor(nowMs / 1000);
  return {
    did,
    hostname,
    request: (sent) => signedCheck(GET, created, { key: { ...key, keyId } }).request(sent),
  };
}
