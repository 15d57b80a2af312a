import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { admin } from '../support/admin-client.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const agent = generateAgentKey();
const app = usePolicyApp(`agents: [ { id: "did:key:*" } ]\n`);
const port = () => app.server.adminPort;
const REPORTS = { method: 'GET', url: 'https://api.example.com/reports' };

describe('GET /v1/traffic', () => {
  it('counts the checks the server answered: verified, unsigned and denied by reason', async () => {
    const signed = signedCheck(REPORTS, Math.floor(app.server.now / 1000), { key: agent });
    await app.server.client.check(signed.request());
    await app.server.client.check(signed.request());
    await app.server.client.check(envoyCheckRequest(REPORTS));

    const reply = await admin(port(), 'GET', '/v1/traffic?window=15m');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      window: '15m',
      intervalSeconds: 10,
      totals: { verified: 1, unsigned: 1, denied: 1, wouldDeny: 0 },
      trust: { new: 1, known: 0, trusted: 0 },
      denials: { replayed: 1 },
    });
    const series = reply.body.series as Record<string, number[]>;
    expect(series.verified).toHaveLength(90);
    expect(series.verified!.at(-1)).toBe(1);
    expect(Date.parse(String(reply.body.start))).toBe(app.server.now - 89 * 10_000);
  });

  it('answers a day at 5 minute intervals, and refuses a window it cannot cover', async () => {
    const day = await admin(port(), 'GET', '/v1/traffic?window=24h');
    expect(day.body).toMatchObject({ intervalSeconds: 300, totals: { verified: 1 } });
    for (const window of ['25h', '10s', 'soon', '']) {
      const refused = await admin(port(), 'GET', `/v1/traffic?window=${window}`);
      expect([refused.status, refused.contentType]).toEqual([400, 'application/problem+json']);
    }
  });
});

describe('GET /v1/admin', () => {
  it('says whether mutations are enabled, without saying anything about the token', async () => {
    const reply = await admin(port(), 'GET', '/v1/admin');
    expect(reply.body).toEqual({ mutations: 'disabled' });
  });
});

describe('GET / on the admin port', () => {
  it('serves the traffic page and its files under a strict Content-Security-Policy', async () => {
    const page = await admin(port(), 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(page.text).toContain('/assets/traffic-page.js');
    expect(page.text).toContain('/assets/traffic-page.css');
    for (const name of readdirSync('assets/traffic-page').filter((file) => file !== 'index.html')) {
      const asset = await admin(port(), 'GET', `/assets/${name}`);
      expect(asset.status, name).toBe(200);
      expect(asset.contentType, name).toMatch(/^(text\/(javascript|css)|image\/svg\+xml)/);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      expect(asset.headers.get('content-security-policy')).toBe(csp);
    }
    expect(page.text).not.toMatch(/https?:\/\//);
  });

  it('serves no file outside the page’s folder, however the name is spelled', async () => {
    for (const path of [
      '/assets/..%2Fpackage.json',
      '/assets/%2e%2e%2fpackage.json',
      '/assets/index.html.js',
      '/assets/missing.js',
      '/assets/../package.json',
    ]) {
      const reply = await admin(port(), 'GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.text, path).not.toContain('"dependencies"');
    }
  });
});
