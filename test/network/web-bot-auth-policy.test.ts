import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { networkFlags } from '../support/network-app.js';
import { usePolicyApp } from '../support/policy-app.js';
import { publishDirectory, signWebBotAuth, webBotAuthKey } from '../support/sign-web-bot-auth.js';
import { useDocumentHost } from '../support/start-document-host.js';

const host = useDocumentHost();
const app = usePolicyApp(
  `
zones:
  - name: catalog
    match: { paths: ["/products*"] }
  - name: account
    match: { paths: ["/account/*"] }
    unknownAgents: deny
agents:
  - id: "https://crawler.example.test:*"
    zones: [catalog]
    owner: search-team
`,
  networkFlags(host),
  { lookup: host.lookup },
);

/** One published key per agent host, as a real agent would keep. */
const keys = new Map<string, ReturnType<typeof webBotAuthKey>>();

function signedGet(path: string, hostname: string) {
  const request = { method: 'GET', url: `https://shop.example.com${path}` };
  let key = keys.get(hostname);
  if (key === undefined) {
    key = webBotAuthKey();
    keys.set(hostname, key);
    publishDirectory(host, hostname, [key]);
  }
  const headers = signWebBotAuth(request, key, {
    agent: host.origin(hostname),
    created: Math.floor(app.server.now / 1000),
  });
  return app.server.client.check(envoyCheckRequest({ ...request, headers }));
}

describe('the policy applied to Web Bot Auth agents', () => {
  it("matches the agent by its directory origin and applies the entry's zones and owner", async () => {
    const response = await signedGet('/products?page=1', 'crawler.example.test');
    expect(setHeaders(response)).toMatchObject({
      'x-agent-id': host.origin('crawler.example.test'),
      'x-agent-zone': 'catalog',
      'x-agent-owner': 'search-team',
    });
    const outside = await signedGet('/account/orders', 'crawler.example.test');
    expect(problem(outside)).toMatchObject({ reason: 'zone_denied' });
  });

  it('treats an origin no entry names as unknown where the zone admits registered agents only', async () => {
    const response = await signedGet('/account/orders', 'other-bot.example.test');
    expect(problem(response)).toMatchObject({ reason: 'agent_unknown' });
  });
});
