import { describe, expect, it } from 'vitest';
import { problem } from '../support/envoy-client.js';
import { networkFlags, publishedDidWeb } from '../support/network-app.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * A burst ten times over limits.maxInFlight, repeated: every check beyond the limit is shed at
 * once with 503 overloaded (never queued), the ones admitted are answered on their merits, and
 * memory does not grow from burst to burst. Checks are held open by a did:web host that answers
 * after 800 ms, so "in flight" is real waiting on a real socket.
 */
const MAX_IN_FLIGHT = 20;
const BURST = 10 * MAX_IN_FLIGHT;
const ROUNDS = 5;
const host = useDocumentHost();
const server = useTestApp(
  networkFlags(host, [
    `--limits.max-in-flight=${MAX_IN_FLIGHT}`,
    '--limits.check-timeout=10s',
    '--resolver.max-wait=9s',
    '--resolver.timeout=10s',
  ]),
  { lookup: host.lookup },
);

async function burst(round: number) {
  // A new host each round, so its document is not cached yet and every admitted check waits.
  const slow = publishedDidWeb(host, `burst-${round}.example.test`, server.now, { delayMs: 800 });
  const responses = await Promise.all(
    Array.from({ length: BURST }, () => server.client.check(slow.request())),
  );
  const reasons = responses.map((response) =>
    response.ok_response === undefined ? String(problem(response).reason) : 'allowed',
  );
  return {
    allowed: reasons.filter((reason) => reason === 'allowed').length,
    shed: responses.filter(
      (response) => response.status?.code === 14 && problem(response).reason === 'overloaded',
    ).length,
    other: reasons.filter((reason) => reason !== 'allowed' && reason !== 'overloaded'),
  };
}

describe(`a burst of ${BURST} checks against limits.maxInFlight of ${MAX_IN_FLIGHT}`, () => {
  it('sheds everything beyond the limit with 503 overloaded, round after round, and RSS stays bounded', async () => {
    const rssAfter: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { allowed, shed, other } = await burst(round);
      expect(other).toEqual([]);
      expect(allowed + shed).toBe(BURST);
      // Never more admitted than the limit; the rest shed, not queued.
      expect(allowed).toBeGreaterThan(0);
      expect(allowed).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      rssAfter.push(process.memoryUsage().rss);
    }
    const metrics = await scrapeMetrics(server.adminPort);
    expect(
      metrics.value('agent_authz_checks_shed_total', { reason: 'overloaded' }),
    ).toBeGreaterThanOrEqual(ROUNDS * (BURST - MAX_IN_FLIGHT));
    expect(metrics.value('agent_authz_checks_in_flight')).toBe(0);
    // After the first (warm-up) round, memory does not grow with more bursts: a generous bound
    // for a shared, loaded machine, far below what 800 queued checks a round would keep.
    const growthMb = (Math.max(...rssAfter.slice(1)) - rssAfter[0]!) / 1_048_576;
    console.log(
      `burst: ${ROUNDS} rounds of ${BURST}; RSS after each round (MB): ${rssAfter.map((rss) => Math.round(rss / 1_048_576)).join(', ')}`,
    );
    expect(growthMb).toBeLessThan(64);
  });
});
