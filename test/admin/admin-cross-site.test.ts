import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

const TOKEN = 'admin-token-for-cross-site-tests';
let app: TestApp;
let listings: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  app = await startTestApp([`--admin.token=${TOKEN}`]);
  listings = vi.spyOn(app.app.store.history, 'list');
});
afterAll(() => app.stop());

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

/** One request with exactly these headers (fetch would set Sec-Fetch-Mode of its own). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: app.adminPort, path, method, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          const contentType = response.headers['content-type'] ?? '';
          const parsed = contentType.includes('json') && text !== '' ? JSON.parse(text) : {};
          resolve({ status: response.statusCode ?? 0, contentType, body: parsed });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const READS = ['/v1/agents?limit=1&owner=nobody', '/v1/policy', '/v1/revocations', '/v1/traffic'];
const ADMIN_HEADER = { 'x-agent-authz-admin': '1' };
const image = (site: string) => ({
  'sec-fetch-site': site,
  'sec-fetch-mode': 'no-cors',
  'sec-fetch-dest': 'image',
});

describe('the admin API and requests a page on another site can send', () => {
  it('refuses every request a browser marks cross-site or same-site, before any work', async () => {
    listings.mockClear();
    for (const site of ['cross-site', 'same-site']) {
      for (const path of [...READS, '/metrics', '/healthz', '/assets/traffic-page.js']) {
        const reply = await send('GET', path, { ...image(site), ...ADMIN_HEADER });
        expect(reply.status, `${site} ${path}`).toBe(403);
        expect(reply.body).toMatchObject({ title: 'Cross-site request refused' });
      }
      const revoke = await send(
        'POST',
        '/v1/revocations',
        {
          'sec-fetch-site': site,
          'sec-fetch-mode': 'cors',
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
        },
        JSON.stringify({ id: 'did:key:zFromAnotherSite' }),
      );
      expect(revoke.status, `${site} POST`).toBe(403);
    }
    expect(listings).not.toHaveBeenCalled();
    expect((await send('GET', '/v1/revocations', ADMIN_HEADER)).body).toEqual({ revoked: [] });
  });

  it('refuses a /v1 read with neither the admin header nor the token, as any page could send it', async () => {
    listings.mockClear();
    for (const path of READS) {
      const reply = await send('GET', path, {});
      expect(reply.status, path).toBe(403);
      expect(reply.body).toMatchObject({ title: 'Admin header required' });
      expect(String(reply.body.detail)).toContain('X-Agent-Authz-Admin');
    }
    const wrongToken = await send('GET', '/v1/policy', {
      authorization: 'Bearer not-the-admin-token-at-all',
    });
    expect(wrongToken.status).toBe(403);
    expect(listings).not.toHaveBeenCalled();
  });

  it('answers a /v1 read with the admin header or the token, from the same origin or the operator', async () => {
    for (const site of [undefined, 'same-origin', 'none']) {
      const metadata: Record<string, string> = site === undefined ? {} : { 'sec-fetch-site': site };
      for (const path of READS) {
        expect((await send('GET', path, { ...metadata, ...ADMIN_HEADER })).status, path).toBe(200);
      }
      const bearer = { ...metadata, authorization: `Bearer ${TOKEN}` };
      expect((await send('GET', '/v1/agents', bearer)).status).toBe(200);
    }
  });

  it('serves the traffic page to a link followed from another site, and nothing else that way', async () => {
    const navigation = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    const page = await send('GET', '/', { ...navigation, 'sec-fetch-dest': 'document' });
    expect([page.status, page.contentType]).toEqual([200, 'text/html; charset=utf-8']);
    const framed = await send('GET', '/', { ...navigation, 'sec-fetch-dest': 'iframe' });
    expect(framed.status).toBe(403);
    const listing = await send('GET', '/v1/agents', {
      ...navigation,
      'sec-fetch-dest': 'document',
      ...ADMIN_HEADER,
    });
    expect(listing.status).toBe(403);
  });

  it('lets probes and scrapers read the probes, metrics and page without any header', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/']) {
      expect((await send('GET', path, {})).status, path).toBe(200);
    }
  });
});
