import { describe, expect, it } from 'vitest';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { signedCheck } from '../support/signed-check.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp(['--telemetry.metrics=false']);

describe('telemetry.metrics: false', () => {
  it('records no per-check series, and /metrics still serves the process-level ones', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    const response = await server.client.check(check.request());
    expect(response.ok_response).toBeDefined();
    const scrape = await scrapeMetrics(server.adminPort);
    expect(scrape.value('agent_authz_checks_total')).toBe(0);
    expect(scrape.value('agent_authz_store_calls_total')).toBe(0);
    expect(scrape.value('agent_authz_key_resolutions_total')).toBe(0);
    expect(scrape.value('agent_authz_build_info')).toBe(1);
    expect(scrape.value('agent_authz_replay_entries')).toBe(1);
  });
});
