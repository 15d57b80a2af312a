import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { askOverHttp } from '../../src/demo/ask-over-http.js';
import { startDemoFront, startEchoUpstream } from '../../src/demo/start-demo-front.js';
import type { TestApp } from './start-test-app.js';

/**
 * For the enclosing test file: an echo upstream behind the demo's Envoy-like front, which asks
 * `server`'s HTTP transport about every request. `base()` is the front's URL. The server's clock
 * is set to now, since agents sign with the real clock.
 */
export function useEnvoyLikeFront(server: TestApp): { base(): string } {
  const servers: Server[] = [];
  let base = '';
  beforeAll(async () => {
    server.now = Date.now();
    const echo = await startEchoUpstream();
    servers.push(echo);
    const front = await startDemoFront({
      authorize: askOverHttp(`http://127.0.0.1:${server.app.httpPort}`),
      upstreamUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`,
    });
    servers.push(front);
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const running of servers) running.close();
  });
  return { base: () => base };
}
