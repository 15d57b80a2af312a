import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { waitFor } from '../support/wait-for.js';
import { type Browser, HAS_CHROMIUM, launchChromium } from './browser.js';

/** What the hostile page sends, told apart by `limit` (the query must be valid to cost work). */
const SENT_AS: Readonly<Record<string, string>> = { '1': 'img', '2': 'no-cors', '3': 'cors' };

/**
 * A page on another site that aims the operator's browser at the loopback admin port: an image
 * and a no-cors fetch (simple requests, sent without a preflight), and a fetch with the admin
 * header (which needs a CORS preflight the admin API never grants).
 */
function hostilePage(adminOrigin: string): string {
  const listing = (limit: number) => `${adminOrigin}/v1/agents?owner=nobody&limit=${limit}`;
  return `<!doctype html><title>elsewhere</title>
<img src="${listing(1)}">
<script>
  fetch('${listing(2)}', { mode: 'no-cors' }).catch(() => {});
  fetch('${listing(3)}', { headers: { 'x-agent-authz-admin': '1' } })
    .catch(() => {})
    .finally(() => { document.title = 'done'; });
</script>`;
}

async function serveHostilePage(adminOrigin: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(hostilePage(adminOrigin));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** One request that reached the admin API: what the browser said of its site, the answer. */
interface Answered {
  readonly site: string | string[] | undefined;
  readonly status: number;
}

describe.skipIf(!HAS_CHROMIUM)('a page on another site aimed at the admin API', () => {
  let browser: Browser;
  let app: TestApp;
  let hostile: Server;
  let listings: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
    hostile = await serveHostilePage(`http://127.0.0.1:${app.adminPort}`);
    listings = vi.spyOn(app.app.store.history, 'list');
  }, 60_000);
  afterAll(async () => {
    hostile?.close();
    await Promise.all([browser?.close(), app?.stop()]);
  });

  /** Opens the hostile page at `host`; returns what reached the admin API and its answers. */
  async function visit(host: string): Promise<Map<string, Answered>> {
    const { port } = hostile.address() as AddressInfo;
    const answered = new Map<string, Answered>();
    const record = (message: unknown) => {
      const { request, response } = message as {
        request: IncomingMessage;
        response: ServerResponse;
      };
      const url = new URL(request.url ?? '/', 'http://admin');
      const name = SENT_AS[url.searchParams.get('limit') ?? ''];
      if (url.pathname !== '/v1/agents' || name === undefined) return;
      answered.set(`${name} ${request.method}`, {
        site: request.headers['sec-fetch-site'],
        status: response.statusCode,
      });
    };
    subscribe('http.server.response.finish', record);
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://${host}:${port}/`);
      await page.waitForFunction("document.title === 'done'");
      await waitFor(() => answered.has('img GET') && answered.has('no-cors GET'), 5000);
      await page.close();
    } finally {
      unsubscribe('http.server.response.finish', record);
    }
    return answered;
  }

  it('makes it list nothing from a cross-site page: the browser says so and is refused', async () => {
    listings.mockClear();
    const answered = await visit('localhost');
    expect(answered.get('img GET')).toEqual({ site: 'cross-site', status: 403 });
    expect(answered.get('no-cors GET')).toEqual({ site: 'cross-site', status: 403 });
    expect(answered.get('cors OPTIONS')).toEqual({ site: 'cross-site', status: 403 });
    expect(answered.has('cors GET')).toBe(false);
    expect(listings).not.toHaveBeenCalled();
  }, 30_000);

  it('makes it list nothing from a same-site page on another port', async () => {
    listings.mockClear();
    const answered = await visit('127.0.0.1');
    expect(answered.get('img GET')).toEqual({ site: 'same-site', status: 403 });
    expect(answered.get('no-cors GET')).toEqual({ site: 'same-site', status: 403 });
    expect(answered.has('cors GET')).toBe(false);
    expect(listings).not.toHaveBeenCalled();
  }, 30_000);
});
