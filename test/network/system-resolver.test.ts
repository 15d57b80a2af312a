import { describe, expect, it } from 'vitest';
import { problem, setHeaders } from '../support/envoy-client.js';
import { publishedDidWeb } from '../support/network-app.js';
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

describe('with resolver.allowPrivateNetworks: true', () => {
  it('resolves did:web:localhost through the hosts file and allows the signed request', async () => {
    const { did, request } = publishedDidWeb(host, 'localhost', privateAllowed.now);
    const response = await privateAllowed.client.check(request());
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': did, 'x-agent-verified': 'true' });
    expect(host.hits('localhost', '/.well-known/did.json')).toBe(1);
  });
});

describe('with private networks not allowed (the default)', () => {
  it('keeps c-ares and its guards: did:web:localhost is refused without a connection', async () => {
    const before = host.hits('localhost', '/.well-known/did.json');
    const response = await publicOnly.client.check(
      publishedDidWeb(host, 'localhost', publicOnly.now).request(),
    );
    expect(problem(response)).toMatchObject({ reason: 'key_unresolvable' });
    expect(host.hits('localhost', '/.well-known/did.json')).toBe(before);
  });
});
