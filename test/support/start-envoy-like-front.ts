import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { askOverHttp } from '../../src/demo/ask-over-http.js';
import {
  type Authorizer,
  startDemoFront,
  startEchoUpstream,
} from '../../src/demo/start-demo-front.js';
import { applyEnvoyPathRules, type EnvoyPathSettings } from './envoy-path-rules.js';
import type { TestApp } from './start-test-app.js';

export interface EnvoyLikeFront {
  /** The front's URL. */
  base(): string;
  /** Each request target as the client sent it, in order. */
  readonly received: string[];
}

/**
 * For the enclosing test file: an echo upstream behind the demo's Envoy-like front, which asks
 * `server`'s HTTP transport about every request. `base()` is the front's URL. The server's clock
 * is set to now, since agents sign with the real clock. With `paths`, each request target is
 * first rewritten as Envoy's HttpConnectionManager rewrites it before ext_authz runs: agent-authz
 * is asked about the path Envoy would forward, a rejected path is answered 400 and an unescaped
 * one 307.
 */
export function useEnvoyLikeFront(
  server: TestApp,
  options: { paths?: EnvoyPathSettings } = {},
): EnvoyLikeFront {
  const servers: Server[] = [];
  const received: string[] = [];
  let base = '';
  beforeAll(async () => {
    server.now = Date.now();
    const echo = await startEchoUpstream();
    servers.push(echo);
    const ask = askOverHttp(`http://127.0.0.1:${server.app.httpPort}`);
    const front = await startDemoFront({
      authorize: (method, target, headers, body) => {
        received.push(target);
        return options.paths === undefined
          ? ask(method, target, headers, body)
          : askAfterPathRules(ask, options.paths)(method, target, headers, body);
      },
      upstreamUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`,
    });
    servers.push(front);
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const running of servers) running.close();
  });
  return { base: () => base, received };
}

function askAfterPathRules(ask: Authorizer, settings: EnvoyPathSettings): Authorizer {
  return (method, target, headers, body) => {
    const outcome = applyEnvoyPathRules(target, settings);
    if ('reject' in outcome) {
      return Promise.resolve({ allowed: false, status: 400, headers: {}, body: Buffer.of() });
    }
    if ('redirect' in outcome) {
      const location = { location: outcome.redirect };
      return Promise.resolve({ allowed: false, status: 307, headers: location, body: Buffer.of() });
    }
    return ask(method, outcome.forward, headers, body);
  };
}
