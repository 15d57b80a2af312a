import { describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

const host = useDocumentHost();
const server = useTestApp(networkFlags(host), { lookup: host.lookup });
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

describe('rotating the key of a did:web', () => {
  it('accepts the new key and refuses the removed one once the document is refreshed', async () => {
    const hostname = 'rotation.example.test';
    const did = `did:web:${hostname}%3A${host.port}`;
    const [old, next] = [generateAgentKey(), generateAgentKey()];
    const oldDoc = didWebDocument(did, old.publicJwk, { fragment: 'old' });
    const nextDoc = didWebDocument(did, next.publicJwk, { fragment: 'next' });
    const publish = (document: object) =>
      host.serve(hostname, '/.well-known/did.json', {
        headers: { ...DID_JSON, 'cache-control': 'max-age=300' },
        body: JSON.stringify(document),
      });
    const check = (key: typeof old, keyId: string) =>
      server.client.check(
        signedCheck(GET, Math.floor(server.now / 1000), { key: { ...key, keyId } }).request(),
      );

    publish(oldDoc.document);
    expect((await check(old, oldDoc.keyId)).ok_response).toBeDefined();

    publish(nextDoc.document);
    server.now += 200_000;
    // Still fresh for max-age=300: the cached document (and its key) stands.
    expect((await check(old, oldDoc.keyId)).ok_response).toBeDefined();
    expect(problem(await check(next, nextDoc.keyId)).reason).toBe('key_unresolvable');

    server.now += 101_000;
    const fetched = server.app.fetchCounters.fetched;
    // Stale now: this check is served from the stale copy and starts the refresh.
    expect((await check(old, oldDoc.keyId)).ok_response).toBeDefined();
    await waitFor(() => server.app.fetchCounters.fetched === fetched + 1);
    await new Promise((resolve) => setImmediate(resolve));

    expect(problem(await check(old, oldDoc.keyId)).reason).toBe('key_unresolvable');
    expect((await check(next, nextDoc.keyId)).ok_response).toBeDefined();
  });
});
