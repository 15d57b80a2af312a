import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { problem } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { type Scrape, scrapeMetrics } from '../support/scrape-metrics.js';
import { signedCheck } from '../support/signed-check.js';

const limited = generateAgentKey();
const app = usePolicyApp(`
zones:
  - { name: reports, match: { paths: ["/reports/*"] } }
agents:
  - { id: ${limited.didKey}, rateLimit: 1/min }
  - { id: "did:key:*" }
`);
const scrape = () => scrapeMetrics(app.server.adminPort);

function signed(key = generateAgentKey(), createdOffsetSeconds = 0) {
  return signedCheck(
    { method: 'GET', url: 'https://api.example.com/reports/q3' },
    Math.floor(app.server.now / 1000) + createdOffsetSeconds,
    { key },
  );
}

async function allowCount(): Promise<number> {
  const { values } = await app.server.app.metrics.checkDuration.get();
  const count = values.find(
    (each) =>
      each.metricName === 'agent_authz_check_duration_seconds_count' &&
      each.labels.decision === 'allow',
  );
  return count?.value ?? 0;
}

const delta = (before: Scrape, after: Scrape, name: string, labels?: Record<string, string>) =>
  after.value(name, labels) - before.value(name, labels);

describe('GET /metrics', () => {
  it('parses as Prometheus text, and its counters move with real checks', async () => {
    const before = await scrape();
    const countBefore = await allowCount();
    const key = generateAgentKey();
    const first = signed(key);
    await app.server.client.check(first.request());
    await app.server.client.check(signed(key).request());
    const replayed = await app.server.client.check(first.request());
    expect(problem(replayed).reason).toBe('replayed');
    const expired = await app.server.client.check(signed(undefined, -3600).request());
    expect(problem(expired).reason).toBe('expired');
    await app.server.client.check(signed(limited).request());
    const limitedAgain = await app.server.client.check(signed(limited).request());
    expect(problem(limitedAgain).reason).toBe('rate_limited');
    const after = await scrape();

    const allowed = {
      decision: 'allow',
      reason: 'none',
      profile: 'signed-request',
      zone: 'reports',
    };
    expect(delta(before, after, 'agent_authz_checks_total', allowed)).toBe(3);
    const deny = (reason: string) => ({ decision: 'deny', reason, profile: 'signed-request' });
    expect(delta(before, after, 'agent_authz_checks_total', deny('replayed'))).toBe(1);
    expect(delta(before, after, 'agent_authz_checks_total', deny('expired'))).toBe(1);
    expect(delta(before, after, 'agent_authz_checks_total', deny('rate_limited'))).toBe(1);
    expect(delta(before, after, 'agent_authz_rate_limited_total')).toBe(1);
    // The parser flattens labelled histograms, so the per-decision count is read back from
    // the registry; the scrape shows the buckets span 50 µs to 200 ms.
    expect((await allowCount()) - countBefore).toBe(3);
    const buckets = after.families.get('agent_authz_check_duration_seconds')?.metrics[0]?.buckets;
    expect(Object.keys(buckets ?? {})).toEqual(expect.arrayContaining(['0.00005', '0.2', '+Inf']));
    // Two new keys resolved, three reuses; the expired signature is refused before resolution.
    const resolutions = 'agent_authz_key_resolutions_total';
    expect(delta(before, after, resolutions, { method: 'key', cache: 'hit' })).toBe(3);
    expect(delta(before, after, resolutions, { method: 'key', cache: 'miss' })).toBe(2);
    const claims = { operation: 'replay.claim' };
    expect(delta(before, after, 'agent_authz_store_calls_total', claims)).toBe(5);
    expect(after.value('agent_authz_replay_entries')).toBeGreaterThanOrEqual(4);
  });

  it('exports build info, fetch outcomes, policy reloads and process metrics', async () => {
    const metrics = await scrape();
    expect(metrics.families.get('agent_authz_build_info')?.metrics[0]?.labels).toMatchObject({
      version: '0.1.0',
    });
    expect(metrics.families.get('agent_authz_fetches_total')?.metrics).toHaveLength(13);
    expect(metrics.value('agent_authz_policy_reloads_total', { result: 'rejected' })).toBe(0);
    expect(metrics.families.get('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(metrics.families.get('agent_authz_check_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('never labels a series with an agent id, so cardinality stays bounded', async () => {
    await app.server.client.check(signed().request());
    const metrics = await scrape();
    for (const [name, family] of metrics.families) {
      if (!name.startsWith('agent_authz_')) continue;
      for (const sample of family.metrics) {
        expect(JSON.stringify(sample.labels ?? {})).not.toContain('did:');
      }
    }
  });
});
