import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';
import { type Browser, HAS_CHROMIUM, launchChromium } from './browser.js';

const TOKEN = 'page-admin-token-0123456789abcdef';
const API = 'spiffe://cluster.local/ns/billing/sa/api';
const BATCH = 'spiffe://cluster.local/ns/billing/sa/batch';
const REPORTS = { method: 'GET', url: 'https://api.example.com/reports' };
/** Written to docs/ when AGENT_AUTHZ_UPDATE_SCREENSHOT=1, else to a temporary directory. */
const SCREENSHOT = process.env.AGENT_AUTHZ_UPDATE_SCREENSHOT === '1' ? 'docs/traffic-page.png' : '';
/** The first load must stay small: the page is plain files and JSON, no library. */
const WEIGHT_BUDGET_BYTES = 64 * 1024;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

if (!HAS_CHROMIUM) {
  console.warn(
    'traffic page tests skipped: /usr/bin/chromium is absent (apt-get install chromium)',
  );
}

const billing = generateAgentKey();
const visitor = generateAgentKey();
const dir = mkdtempSync(join(tmpdir(), 'agent-authz-page-'));
const policyFile = join(dir, 'policy.yaml');
writeFileSync(
  policyFile,
  `agents:
  - id: ${billing.didKey}
    owner: team-billing
    bindWorkload: first-use
    onDrift: quarantine
  - { id: "did:key:*" }
`,
);

/** `agent-authz serve` from dist/ on free ports; the admin port is read from its listening line. */
async function startServer(flags: string[]): Promise<{ server: ServerProcess; admin: string }> {
  const server = await spawnServer([`--policy=${policyFile}`, ...flags]);
  const line = server
    .output()
    .split('\n')
    .find((text) => text.includes('"agent-authz listening"'))!;
  const { adminPort } = JSON.parse(line) as { adminPort: number };
  return { server, admin: `http://127.0.0.1:${adminPort}` };
}

type Tally = { verified: number; unsigned: number; denied: number };

async function tallied(tally: Tally, answer: Promise<UpstreamCheckResponse>) {
  const response = await answer;
  if (!response.ok_response) tally.denied += 1;
  else if (setHeaders(response)['x-agent-verified'] === 'true') tally.verified += 1;
  else tally.unsigned += 1;
  return response.ok_response ? 'allowed' : String(problem(response).reason);
}

/** Everything the browser and the test have a reason to complain about, for one page. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('http://127.0.0.1:')) problems.push(`left: ${request.url()}`);
  });
  return problems;
}

/** Bytes of every response (headers and body) until the page's network goes quiet, by path. */
async function loadAndWeigh(page: Page, url: string): Promise<Map<string, number>> {
  const sizes: Array<Promise<[string, number]>> = [];
  const onFinished = (request: Request) =>
    sizes.push(
      request
        .sizes()
        .then((s) => [new URL(request.url()).pathname, s.responseHeadersSize + s.responseBodySize]),
    );
  page.on('requestfinished', onFinished);
  await page.goto(url, { waitUntil: 'networkidle' });
  page.off('requestfinished', onFinished);
  const byPath = new Map<string, number>();
  for (const [path, bytes] of await Promise.all(sizes)) {
    byPath.set(path, (byPath.get(path) ?? 0) + bytes);
  }
  return byPath;
}

const text = (page: Page, selector: string) => page.locator(selector).innerText();

describe.skipIf(!HAS_CHROMIUM)('the traffic page on the admin port', () => {
  let browser: Browser;
  let served: { server: ServerProcess; admin: string };
  const tally: Tally = { verified: 0, unsigned: 0, denied: 0 };
  const send = (key: AgentKey, principal = API) => {
    const now = Math.floor(Date.now() / 1000);
    const signed = signedCheck({ ...REPORTS, principal }, now, { key });
    return tallied(tally, served.server.client.check(signed.request()));
  };

  beforeAll(async () => {
    [browser, served] = await Promise.all([
      launchChromium(),
      startServer([`--admin.token=${TOKEN}`, '--telemetry.decision-log=off']),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), served?.server.stop()]);
  });

  it('shows the checks the server answered in the chart, the denials and the agents table', async () => {
    for (let i = 0; i < 3; i += 1) expect(await send(visitor)).toBe('allowed');
    const unsigned = () => tallied(tally, served.server.client.check(envoyCheckRequest(REPORTS)));
    for (let i = 0; i < 2; i += 1) expect(await unsigned()).toBe('allowed');
    const once = signedCheck(REPORTS, Math.floor(Date.now() / 1000), { key: visitor });
    await tallied(tally, served.server.client.check(once.request()));
    expect(await tallied(tally, served.server.client.check(once.request()))).toBe('replayed');
    expect(await send(billing, API)).toBe('allowed');
    expect(await send(billing, BATCH)).toBe('workload_drift');
    expect(await send(billing, API)).toBe('workload_drift');
    expect(tally).toEqual({ verified: 5, unsigned: 2, denied: 3 });

    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    const byPath = await loadAndWeigh(page, `${served.admin}/`);
    const weight = [...byPath.values()].reduce((sum, n) => sum + n, 0);
    console.info(`traffic page first load: ${weight} bytes`, Object.fromEntries(byPath));
    expect(weight).toBeGreaterThan(0);
    expect(weight).toBeLessThan(WEIGHT_BUDGET_BYTES);

    await page.locator('#agents tbody tr').first().waitFor();
    for (const kind of ['verified', 'unsigned', 'denied'] as const) {
      expect(await text(page, `#mix-legend [data-kind="${kind}"] strong`)).toBe(
        String(tally[kind]),
      );
      const bars = await page
        .locator(`#chart rect.${kind}`)
        .evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('data-count'))));
      expect(
        bars.reduce((sum, n) => sum + n, 0),
        kind,
      ).toBe(tally[kind]);
    }
    expect(await page.locator('#chart svg').getAttribute('role')).toBe('img');
    const denials = await page.locator('#denials tbody tr').allInnerTexts();
    expect(denials.map((row) => row.split('\t').slice(0, 2))).toEqual([
      ['workload_drift', '2'],
      ['replayed', '1'],
    ]);
    const trustRow = (level: string) =>
      page.locator(`#trust tbody [data-trust="${level}"] td`).allInnerTexts();
    const [newAgents, known, trusted] = await Promise.all(
      ['new', 'known', 'trusted'].map(trustRow),
    );
    expect([newAgents![0], known![0], trusted![0]]).toEqual(['2', '0', '0']);
    expect(newAgents![1]).toBe('2');

    const billingRow = page.locator(`#agents tbody tr[data-agent="${billing.didKey}"]`);
    const visitorRow = page.locator(`#agents tbody tr[data-agent="${visitor.didKey}"]`);
    expect(await billingRow.innerText()).toContain('team-billing');
    expect(await billingRow.locator('.badge.quarantined').count()).toBe(1);
    expect((await visitorRow.locator('td').allInnerTexts()).slice(5, 7)).toEqual(['4', '1']);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('sorts by a column and filters by owner, from the keyboard', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${served.admin}/`);
    await page.locator('#agents tbody tr').nth(1).waitFor();
    await page.locator('th[data-sort="allowed"] button').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('th[data-sort="allowed"]').getAttribute('aria-sort')).toBe(
      'descending',
    );
    const order = () =>
      page.locator('#agents tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.agent));
    expect(await order()).toEqual([visitor.didKey, billing.didKey]);
    await page.keyboard.press('Enter');
    expect(await order()).toEqual([billing.didKey, visitor.didKey]);
    await page.locator('#filter').fill('team-billing');
    expect(await order()).toEqual([billing.didKey]);
    expect(await text(page, '#agents-note')).toContain('1 of 2 agents shown');
    await page.close();
  }, 60_000);

  it('revokes an agent with the admin token, and the agent’s next check is denied', async () => {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${served.admin}/`);
    await page.getByRole('button', { name: `Details of ${visitor.didKey}` }).click();
    await page.locator('#detail-heading:focus').waitFor();
    expect(await page.locator('#revoke').isDisabled()).toBe(true);
    expect(await text(page, '#action-hint')).toContain('Enter the admin token');
    expect(await text(page, '#token-state')).toContain('No admin token entered');

    await page.getByLabel('Admin token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    expect(await text(page, '#token-state')).toContain('in memory');
    await page.locator('#revoke').click();
    await page.locator('#action-result', { hasText: 'Revoked' }).waitFor();
    expect(await send(visitor)).toBe('agent_revoked');
    const row = page.locator(`#agents tbody tr[data-agent="${visitor.didKey}"]`);
    await row.locator('.badge.revoked').waitFor();

    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(served.server.output()).not.toContain(TOKEN);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('releases a quarantined agent from its detail view, and its next check is allowed', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${served.admin}/`);
    await page.locator('#remember').check();
    await page.getByLabel('Admin token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    expect(await text(page, '#token-state')).toContain('sessionStorage');
    await page.getByRole('button', { name: `Details of ${billing.didKey}` }).click();
    await page.locator('#detail-heading:focus').waitFor();
    expect(await text(page, '#detail-facts')).toMatch(/Quarantined\s+yes/);
    const drift = await page.locator('#detail-drift tbody tr td').allInnerTexts();
    expect(drift.slice(1)).toEqual([API, BATCH]);
    await page.locator('#window').selectOption('15m');
    await page.locator('#status', { hasText: 'last 15 minutes' }).waitFor();
    await page.screenshot({
      path: SCREENSHOT || join(dir, 'traffic-page.png'),
      fullPage: true,
    });

    await page.locator('#release').click();
    await page.locator('#action-result', { hasText: 'Released' }).waitFor();
    expect(await send(billing, API)).toBe('allowed');
    await page.locator('#detail-facts', { hasText: /Quarantined\s*no/ }).waitFor();
    expect(await page.locator('#release').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#detail').isHidden()).toBe(true);
    await page.close();
  }, 60_000);
});

describe.skipIf(!HAS_CHROMIUM)('the traffic page on a server without an admin token', () => {
  let browser: Browser;
  let served: { server: ServerProcess; admin: string };
  beforeAll(async () => {
    [browser, served] = await Promise.all([
      launchChromium(),
      startServer(['--telemetry.decision-log=off']),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([browser?.close(), served?.server.stop()]);
  });

  it('shows a hostile workload name as text, never as markup', async () => {
    const agent = generateAgentKey();
    const principal = `spiffe://evil/<img src=x onerror="document.title='owned'"><script>document.title='owned'</script>`;
    const now = Math.floor(Date.now() / 1000);
    const signed = signedCheck({ ...REPORTS, principal }, now, { key: agent });
    await served.server.client.check(signed.request());
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${served.admin}/`);
    const row = page.locator(`#agents tbody tr[data-agent="${agent.didKey}"]`);
    expect(await row.innerText()).toContain('<img src=x onerror=');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.title()).toBe('Agent traffic · agent-authz');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('says plainly that changes are disabled, and offers none', async () => {
    const agent = generateAgentKey();
    const signed = signedCheck(REPORTS, Math.floor(Date.now() / 1000), { key: agent });
    await served.server.client.check(signed.request());
    const page = await browser.context.newPage();
    await page.goto(`${served.admin}/`);
    await page
      .locator('#token-state', { hasText: 'Changes are disabled on this server' })
      .waitFor();
    await page.getByRole('button', { name: `Details of ${agent.didKey}` }).click();
    await page.locator('#detail-heading:focus').waitFor();
    expect(await text(page, '#action-hint')).toContain('Changes are disabled on this server');
    expect(await page.locator('#revoke').isDisabled()).toBe(true);
    expect(await page.locator('#release').isDisabled()).toBe(true);
    await page.close();
  }, 60_000);
});
