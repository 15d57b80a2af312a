import { describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { DID_JSON } from '../support/network-app.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * No DNS is injected here: `localhost` is resolved the way the host resolves it (the hosts
 * file), which only the system resolver does — c-ares never reads /etc/hosts.
 */
const host = useDocumentHost({ extraNames: ['localhost'] });
const resolverFlags = () => [
  '--resolver.network=true',
  `--resolver.ca-file=${host.caFile}`,
  '--resolver.max-wait=2s',
];
const privateAllowed = useTestApp([...resolverFlags(), '--resolver.allow-private-networks=true']);
const publicOnly = useTestApp(resolverFlags());
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/** A did:web on localhost at the host's port, published, and a check signed with its key. */
function localhostCheck(nowMs: number) {
  const did = `did:web:localhost%3A${host.port}`;
  const key = generateAgentKey();
  const { document, keyId } = didWebDocument(did, key.publicJwk);
  host.serve('localhost', '/.well-known/did.json', {
    headers: DID_JSON,
    body: JSON.stringify(document),
  });
  const check = signedCheck(GET, Math.floor(nowMs / 1000), { key: { ...key, keyId } });
  return { did, request: check.request() };
}

describe('with resolver.allowPrivateNetworks: true', () => {
  it('resolves did:web:localhost through the hosts file and allows the signed request', async () => {
    const { did, request } = localhostCheck(privateAllowed.now);
    const response = await privateAllowed.client.check(request);
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': did, 'x-agent-verified': 'true' });
    expect(host.hits('localhost', '/.well-known/did.json')).toBe(1);
  });
});

describe('with private networks not allowed (the default)', () => {
  it('keeps c-ares and its guards: did:web:localhost is refused without a connection', async () => {
    const before = host.hits('localhost', '/.well-known/did.json');
    const response = await publicOnly.client.check(localhostCheck(publicOnly.now).request);
    expect(problem(response)).toMatchObject({ reason: 'key_unresolvable' });
    expect(host.hits('localhost', '/.well-known/did.json')).toBe(before);
  });
});
