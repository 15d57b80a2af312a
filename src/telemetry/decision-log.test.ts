import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { createDecisionLog } from './decision-log.js';

const dir = mkdtempSync(join(tmpdir(), 'decision-log-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = {
  method: 'GET',
  authority: 'api.example.com',
  path: '/orders',
  source: { principal: '', certificate: '', address: '10.1.2.3:53122' },
} as AuthzRequest;
const allowed: Decision = {
  allowed: true,
  identity: { verified: true, profile: 'signed-request', agentId: 'did:key:z6Mk', zone: 'public' },
};

describe('the decision log on a sink that opens late', () => {
  it('keeps what fits its buffer, drops the rest, and counts every line either way', async () => {
    const fifo = join(dir, 'late.fifo');
    execFileSync('mkfifo', [fifo]);
    let dropped = 0;
    const log = createDecisionLog({
      destination: fifo,
      sampleAllowed: 1,
      onDrop: () => {
        dropped += 1;
      },
      onError: (error) => {
        throw error;
      },
    });
    // No reader yet: the sink cannot even open, so everything waits in the 8 MiB buffer.
    const written = 40_000;
    for (let i = 0; i < written; i += 1) log.decision(request, allowed, `trace-${i}`, 0.5);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (chunk) => chunks.push(chunk as Buffer));
    const drained = new Promise<void>((resolve) => reader.once('end', () => resolve()));
    await log.close(5000);
    await drained;
    const received = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
    expect(dropped).toBeGreaterThan(0);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length + dropped).toBe(written);
    for (const line of received) expect(JSON.parse(line)).toMatchObject({ decision: 'allow' });
  });
});
