/**
 * The decision log alone: N allowed signed-request decisions written to a file in a temp dir,
 * each request's strings fresh and flat (as a decoded CheckRequest's are), yielding to the event loop
 * every 16 lines as the check path does. The window edges are marked for callgrind as in
 * measure-check-path.ts, so bench/count-window-instructions.sh can count one line's cost:
 *   HARNESS=measure-decision-log bash bench/count-window-instructions.sh line 2000 20000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision } from '../src/decision/decision.js';
import type { AuthzRequest } from '../src/request/authz-request.js';
import { createDecisionLog } from '../src/telemetry/decision-log.js';
import { markWindowEdge, numberOption } from './harness-options.js';

const argv = process.argv.slice(2);
const warm = numberOption(argv, '--warm', 2000);
const lines = numberOption(argv, '--checks', 20000);

const dir = mkdtempSync(join(tmpdir(), 'decision-log-'));
const log = createDecisionLog({
  // `--off`: the same loop with the log off, to subtract what making the entries costs.
  destination: argv.includes('--off') ? 'off' : join(dir, 'decisions.log'),
  sampleAllowed: 1,
  onDrop: () => {},
  onError: (error) => {
    throw error;
  },
});
const agent = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

const agentKeyId = Buffer.from(`${agent}#${agent.slice(8)}`);

/** Text as the decoder makes it: a flat string read from bytes. */
const read = (bytes: Buffer, end = bytes.length): string => bytes.toString('utf8', 0, end);

/** The i-th request and decision, their strings read from bytes or sliced as a check's are. */
function entry(i: number): { request: AuthzRequest; decision: Decision; traceId: string } {
  const traceId = read(Buffer.from((0x1000_0000 + i).toString(16).padStart(32, '0')));
  const request = {
    method: read(Buffer.from('GET')),
    authority: read(Buffer.from('api.example.com')),
    path: read(Buffer.from(`/orders/${i % 100}`)),
    source: { principal: '', certificate: '', address: '10.1.2.3:53122' },
  } as AuthzRequest;
  const decision: Decision = {
    allowed: true,
    identity: {
      verified: true,
      profile: 'signed-request',
      // The agent id is the key id up to its fragment, as the signature's keyid is parsed.
      agentId: read(agentKeyId).slice(0, agent.length),
      zone: 'public',
      trust: 'known',
    },
  };
  return { request, decision, traceId };
}

async function write(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1) {
    const { request, decision, traceId } = entry(i);
    log.decision(request, decision, traceId, 0.412 + (i % 7) / 1000);
    if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

await write(0, warm);
markWindowEdge();
await write(warm, warm + lines);
markWindowEdge();
await log.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${lines} decision lines after ${warm}\n`);
