import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('the operational log', () => {
  it('writes time as ISO 8601 in UTC, the format of the decision log', () => {
    const lines: string[] = [];
    const before = Date.now();
    createLogger('info', { write: (line) => lines.push(line) }).info({ port: 9191 }, 'listening');
    const entry = JSON.parse(lines[0]!) as { time: unknown; msg: string; port: number };
    expect(entry).toMatchObject({ msg: 'listening', port: 9191 });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(String(entry.time))).toBeGreaterThanOrEqual(before - (before % 1000));
    expect(Date.parse(String(entry.time))).toBeLessThanOrEqual(Date.now());
  });
});
