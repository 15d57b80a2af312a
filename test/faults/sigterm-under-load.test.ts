import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/cli-process.js';
import { createEnvoyClient } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';

/*
 * SIGTERM lands while a steady stream of signed checks is flowing (graceful-shutdown.test.ts
 * covers one batch already on the wire): every check sent before the signal gets a decision,
 * checks sent once the listener has closed are refused by the transport, never half-answered,
 * and the process exits 0 within shutdown.timeout.
 */
describe('SIGTERM while checks are flowing', () => {
  it('answers every check sent before it, accepts no new ones, and exits 0 within shutdown.timeout', async () => {
    const server = await startServerProcess(['--shutdown.timeout=3s']);
    const client = createEnvoyClient(server.address);
    const created = Math.floor(Date.now() / 1000);
    let sent = 0;
    const check = () =>
      client
        .check(
          signedCheck(
            { method: 'GET', url: `https://api.example.com/i/${sent++}` },
            created,
          ).request(),
        )
        .then(
          (response) => (response.ok_response === undefined ? 'denied' : 'allowed'),
          () => 'refused',
        );
    expect(await check()).toBe('allowed');

    const beforeSignal: Array<Promise<string>> = [];
    const afterSignal: Array<Promise<string>> = [];
    let signalled = false;
    const exited = once(server.child, 'exit');
    const worker = async () => {
      while (server.child.exitCode === null && afterSignal.length < 200) {
        const outcome = check();
        (signalled ? afterSignal : beforeSignal).push(outcome);
        await outcome;
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    signalled = true;
    const [code] = await exited;
    const exitMs = performance.now() - signalledAt;
    await Promise.all(workers);
    client.close();

    expect(code).toBe(0);
    // Bounded loosely (the machine is shared): within shutdown.timeout plus process exit.
    expect(exitMs).toBeLessThan(3000 + 2000);
    const before = await Promise.all(beforeSignal);
    expect(before.length).toBeGreaterThanOrEqual(16);
    expect(before.every((outcome) => outcome === 'allowed')).toBe(true);
    // Once draining, new checks are refused by the transport or, if already accepted, answered.
    const after = await Promise.all(afterSignal);
    expect(after.every((outcome) => outcome === 'allowed' || outcome === 'refused')).toBe(true);
    expect(after).toContain('refused');
    expect(server.stdout()).toContain('draining');
  });
});
