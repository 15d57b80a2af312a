import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `body` in a fresh process that has the policy installed; resolves to its exit and log. */
function runWithPolicy(body: string): Promise<{ code: number | null; lines: string[] }> {
  const script = `
    import { exitOnUncaught } from './dist/server-commands/exit-on-uncaught.js';
    import { createLogger } from './dist/telemetry/logger.js';
    exitOnUncaught(createLogger('info'));
    ${body}
  `;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 10_000 },
      (error, stdout) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, lines: stdout.split('\n').filter(Boolean) });
      },
    );
  });
}

describe("serve's policy for an exception nothing caught", () => {
  it.each([
    [
      'an uncaught exception',
      "setTimeout(() => { throw new Error('a bug'); });",
      'uncaught exception',
    ],
    [
      'an unhandled rejection',
      "Promise.reject(new Error('a bug'));",
      'unhandled promise rejection',
    ],
  ])('logs %s at fatal and exits 1', async (_, body, what) => {
    const { code, lines } = await runWithPolicy(body);
    expect(code).toBe(1);
    const fatal = JSON.parse(lines.at(-1) ?? '{}') as { level: number; msg: string };
    expect(fatal).toMatchObject({ level: 60, msg: `${what}; exiting for a restart` });
  });
});
