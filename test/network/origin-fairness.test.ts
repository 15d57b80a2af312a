import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import { publishedDidWeb } from '../support/network-app.js';
import { freePort } from '../support/redis-server.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

/*
 * Fetch slots and cool-downs belong to an origin (scheme, host, port), and each client (its
 * source principal, else its address) holds at most its share of the slots. The attacker here
 * names other ports of the victim's host name, or many origins, from one or several source
 * addresses; the victim's agent is a did:web on the real document host and must still be
 * fetched. A silent server accepts connections and never answers; a closed port refuses them.
 */
const host = useDocumentHost();
const GET = { method: 'GET', url: 'https://api.example.com/orders' };
const sockets = new Set<Socket>();
let silent: Server;
let closedPort: number;
let app: TestApp;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  closedPort = await freePort();
  app = await startTestApp(
    [
      '--resolver.network=true',
      '--resolver.allow-private-networks=true',
      `--resolver.ca-file=${host.caFile}`,
      '--resolver.timeout=4s',
      '--resolver.max-wait=300ms',
    ],
    { lookup: host.lookup },
  );
});
afterAll(async () => {
  await app?.stop();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const silentPort = () => (silent.address() as { port: number }).port;

/** A check from `sourceAddress` signed for a did:web at `hostname:port` (nothing served). */
function unservedCheck(hostname: string, port: number, path: string, sourceAddress: string) {
  const did = `did:web:${hostname}%3A${port}:${path}`;
  const key = { ...generateAgentKey(), keyId: `${did}#key-1` };
  return signedCheck(GET, Math.floor(app.now / 1000), { key }).request({ sourceAddress });
}

/** A check from `sourceAddress` by an agent whose did:web is served on the document host. */
function servedCheck(hostname: string, sourceAddress: string) {
  return publishedDidWeb(host, hostname, app.now).request({ sourceAddress });
}

describe('an origin that refuses connections', () => {
  it('cools down only its own port: the victim host name on another port is still fetched', async () => {
    const refused = await app.client.check(
      unservedCheck('victim.example.test', closedPort, 'x', '203.0.113.7'),
    );
    expect(problem(refused)).toMatchObject({
      reason: 'key_unresolvable',
      detail: 'the host could not be reached over https',
    });
    const victim = await app.client.check(servedCheck('victim.example.test', '198.51.100.20'));
    expect(victim.ok_response).toBeDefined();
  });
});

describe('hanging fetches to one origin', () => {
  it('hold that origin’s slots only: the victim host name on another port is still fetched', async () => {
    // Five source addresses, four checks each: twenty fetches to one silent origin.
    const flood = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        app.client.check(
          unservedCheck(
            'victim2.example.test',
            silentPort(),
            `a:${index}`,
            `203.0.113.${10 + (index % 5)}`,
          ),
        ),
      ),
    );
    const reasons = flood.map((response) => problem(response).reason);
    expect(reasons.filter((reason) => reason === 'key_pending')).toHaveLength(4);
    const victim = await app.client.check(servedCheck('victim2.example.test', '198.51.100.21'));
    expect(victim.ok_response).toBeDefined();
  });
});

describe('one client naming many origins', () => {
  it('holds at most its share of the fetch slots, so another client’s new agent is fetched', async () => {
    const flood = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        app.client.check(
          unservedCheck(`h${index}.example.test`, silentPort(), 'b', '203.0.113.99'),
        ),
      ),
    );
    const reasons = flood.map((response) => problem(response).reason);
    expect(reasons.filter((reason) => reason === 'key_pending')).toHaveLength(4);
    expect(problem(flood[flood.length - 1]!)).toMatchObject({ reason: 'key_unresolvable' });
    const other = await app.client.check(servedCheck('fresh.example.test', '198.51.100.22'));
    expect(other.ok_response).toBeDefined();
  });
});
