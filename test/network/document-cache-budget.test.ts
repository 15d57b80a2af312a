import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { DID_JSON, networkFlags, publishedDidWeb } from '../support/network-app.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * A host can serve endless distinct did:web documents, each as large as what parsing keeps
 * (16 verification methods with long ids), none holding the key a request names. The cache
 * holding them is bounded by resolver.cacheBytes, not by its number of entries.
 */
const BUDGET = 1_048_576;
const host = useDocumentHost();
const server = useTestApp(networkFlags(host, [`--resolver.cache-bytes=${BUDGET}`]), {
  lookup: host.lookup,
});
const GET = { method: 'GET', url: 'https://api.example.com/orders' };
const HOST = 'bulk.example.test';

/** Publishes document `n` (~33 KB kept after parsing) and returns a check naming a key it lacks. */
function bulkCheck(n: number): object {
  const did = `did:web:${HOST}%3A${host.port}:docs:${n}`;
  const publicKeyJwk = generateAgentKey().publicJwk;
  const verificationMethod = Array.from({ length: 16 }, (_, i) => ({
    id: `${did}#k${i}-${'x'.repeat(1900)}`,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk,
  }));
  host.serve(HOST, `/docs/${n}/did.json`, {
    headers: DID_JSON,
    body: JSON.stringify({ id: did, verificationMethod }),
  });
  const key = { ...generateAgentKey(), keyId: `${did}#absent` };
  return signedCheck(GET, Math.floor(server.now / 1000), { key }).request();
}

describe('many distinct large did:web documents from one host', () => {
  it('keep the document cache within resolver.cacheBytes, oldest dropped first', async () => {
    for (let n = 0; n < 32; n += 4) {
      const batch = [n, n + 1, n + 2, n + 3].map((i) => server.client.check(bulkCheck(i)));
      for (const response of await Promise.all(batch)) {
        expect(problem(response)).toMatchObject({ reason: 'key_unresolvable' });
      }
      expect(server.app.documentCacheBytes().didDocuments).toBeLessThanOrEqual(BUDGET);
    }
    // 32 documents of ~66 KB of accounting each do not fit 1 MiB: the first was evicted.
    expect(server.app.documentCacheBytes().didDocuments).toBeGreaterThan(BUDGET / 2);
    await server.client.check(bulkCheck(0));
    expect(host.hits(HOST, '/docs/0/did.json')).toBe(2);
  });

  it('leaves the server working for an agent whose document it has not seen', async () => {
    const fresh = publishedDidWeb(host, 'fresh.example.test', server.now);
    expect(setHeaders(await server.client.check(fresh.request()))).toMatchObject({
      'x-agent-id': fresh.did,
    });
  });
});
