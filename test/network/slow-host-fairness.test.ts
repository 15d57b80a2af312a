import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { publishedDidWeb } from '../support/network-app.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';

/*
 * A host that accepts TCP connections and never answers (not even the TLS handshake), named by
 * twenty did:web ids, must not starve the fetches of other hosts: it gets at most
 * resolver.maxConcurrentFetchesPerHost slots, and after its fetches time out it cools down.
 * Other ports of the same name, and each client's share, are in origin-fairness.test.ts.
 */
const host = useDocumentHost();
const GET = { method: 'GET', url: 'https://api.example.com/orders' };
const sockets = new Set<Socket>();
let accepted = 0;
let silent: Server;
let app: TestApp;

beforeAll(async () => {
  silent = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  app = await startTestApp(
    [
      '--resolver.network=true',
      '--resolver.allow-private-networks=true',
      `--resolver.ca-file=${host.caFile}`,
      '--resolver.timeout=4s',
      '--resolver.max-wait=500ms',
    ],
    { lookup: host.lookup },
  );
});
afterAll(async () => {
  await app?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

/**
 * A check signed for a did:web on the silent host (nothing is ever served there), from one of
 * five source addresses: together they are not held back by any one client's share.
 */
function silentCheck(index: number): object {
  const port = (silent.address() as { port: number }).port;
  const did = `did:web:silent.example.test%3A${port}:agents:${index}`;
  const key = { ...generateAgentKey(), keyId: `${did}#key-1` };
  const sourceAddress = `203.0.113.${1 + (index % 5)}`;
  return signedCheck(GET, Math.floor(app.now / 1000), { key }).request({ sourceAddress });
}

describe('a host that accepts connections and never answers', () => {
  it('holds at most four fetch slots, so an uncached did:web on another host is allowed', async () => {
    const flood = await Promise.all(
      Array.from({ length: 20 }, (_, index) => app.client.check(silentCheck(index))),
    );
    // Four fetches wait (key_pending at resolver.maxWait); the rest find no slot free.
    const reasons = flood.map((response) => problem(response).reason);
    expect(reasons.filter((reason) => reason === 'key_pending')).toHaveLength(4);
    expect(reasons.filter((reason) => reason === 'key_unresolvable')).toHaveLength(16);
    const legitimate = publishedDidWeb(host, 'legit.example.test', app.now);
    const response = await app.client.check(legitimate.request());
    // The silent host's fetches are still hanging: none has reached resolver.timeout yet.
    expect(app.app.fetchCounters.timeout).toBe(0);
    expect(setHeaders(response)).toMatchObject({ 'x-agent-id': legitimate.did });
    expect(accepted).toBeLessThanOrEqual(4);
  });

  it('is not contacted again for resolver.hostCooldown once its fetches time out', async () => {
    await waitFor(() => app.app.fetchCounters.timeout >= 1, 10_000);
    const before = accepted;
    expect(problem(await app.client.check(silentCheck(99)))).toMatchObject({
      reason: 'key_unresolvable',
      detail:
        'the host failed recently and is not contacted again until resolver.hostCooldown ends',
    });
    expect(accepted).toBe(before);
  });
});
