import { readFileSync } from 'node:fs';
import { parseIdentities } from './demo-identities.js';
import { formatTable } from './print-table.js';
import { runScenarios } from './run-scenarios.js';

/**
 * The compose demo's agent: `node dist/demo/run-demo-agent.js IDENTITIES_FILE BASE_URL` runs the
 * scenarios against Envoy (trusting the demo CA through NODE_EXTRA_CA_CERTS), prints the table,
 * and exits 1 when a scenario did not go as expected.
 */
const [file, base] = process.argv.slice(2);
if (file === undefined || base === undefined) {
  process.stderr.write('usage: run-demo-agent.js IDENTITIES_FILE BASE_URL\n');
  process.exit(2);
}
await waitUntilReachable(base, 60_000);
const results = await runScenarios(base, parseIdentities(readFileSync(file, 'utf8')));
process.stdout.write(`${formatTable(results)}\n`);
process.exitCode = results.every((result) => result.ok) ? 0 : 1;

/** Envoy may still be starting when the agent does: any HTTP answer means it is up. */
async function waitUntilReachable(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { method: 'HEAD' });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
