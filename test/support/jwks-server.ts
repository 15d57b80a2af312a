import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCa } from './test-pki.js';

export interface JwksServer {
  /** `https://127.0.0.1:PORT/jwks.json` */
  readonly url: string;
  /** The keys served now; replace to rotate. */
  keys: object[];
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  /** Answer after this many ms (to exceed a timeout), with this status, or with a padded body. */
  behaviour: { delayMs?: number; status?: number; padBytes?: number };
  close(): Promise<void>;
}

/** An HTTPS JWKS endpoint on loopback, with a server certificate issued by `ca`. */
export async function startJwksServer(ca: TestCa, keys: object[] = []): Promise<JwksServer> {
  const certificate = await ca.issue({
    commonName: 'jwks',
    ipAddresses: ['127.0.0.1'],
    server: true,
  });
  const state = { keys, fetches: 0, behaviour: {} as JwksServer['behaviour'] };
  const server = createServer(
    { key: certificate.privateKeyPem, cert: certificate.pem },
    (request, response) => {
      state.fetches += 1;
      const { delayMs = 0, status = 200, padBytes = 0 } = state.behaviour;
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/jwk-set+json' });
        response.end(JSON.stringify({ keys: state.keys, padding: 'x'.repeat(padBytes) }));
      }, delayMs);
      request.resume();
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(value) {
      state.keys = value;
    },
    get fetches() {
      return state.fetches;
    },
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value) {
      state.behaviour = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
