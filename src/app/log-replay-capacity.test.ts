import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../telemetry/logger.js';
import { logReplayCapacity } from './log-replay-capacity.js';

function capacityLine(flags: string[]): { msg: string; signedRequestsPerSecond?: number } {
  const lines: string[] = [];
  const config = loadConfig({ env: {}, flags });
  logReplayCapacity(config, createLogger('info', { write: (line) => lines.push(line) }));
  return JSON.parse(lines[0]!);
}

describe('the replay-capacity start-up line', () => {
  it('states the memory store capacity as a ceiling past which signed requests are refused', () => {
    const line = capacityLine([]);
    expect(line.signedRequestsPerSecond).toBe(3030);
    expect(line.msg).toBe(
      'replay capacity: at most 3030 signed requests per second sustained; beyond that signed ' +
        'requests are refused (store_unavailable) until older nonces expire: raise ' +
        'store.memory.maxEntries or use store.redis',
    );
  });

  it('names Redis maxmemory as the ceiling with the Redis store', () => {
    expect(capacityLine(['--store.redis.url=redis://127.0.0.1:6379']).msg).toMatch(
      /^replay capacity: Redis maxmemory is the ceiling; .* signed requests are refused/,
    );
  });
});
