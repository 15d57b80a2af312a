import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { scrapeMetrics } from '../support/scrape-metrics.js';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp(['--telemetry.stall-warning=100ms']);

/** Holds the event loop (and so every check) for `ms`. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs
  }
}

describe('the event-loop stall detector', () => {
  it('counts a stall and reports its delay when the loop is blocked past telemetry.stallWarning', async () => {
    const before = await scrapeMetrics(server.adminPort);
    blockEventLoop(400);
    // The detector reads the delay histogram every half second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const after = await scrapeMetrics(server.adminPort);
    expect(after.value('agent_authz_event_loop_stalls_total')).toBeGreaterThan(
      before.value('agent_authz_event_loop_stalls_total'),
    );
    // Checks go on once the loop is free again.
    const response = await server.client.check(
      envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/public' }),
    );
    expect(response.ok_response).toBeDefined();
  });
});
