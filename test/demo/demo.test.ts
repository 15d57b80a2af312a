import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run demo', () => {
  it.each(['http', 'grpc'])(
    'runs every scenario through the %s transport with the expected outcome for each',
    async (transport) => {
      const { stdout } = await run(
        process.execPath,
        ['dist/demo/run-demo.js', `--transport=${transport}`],
        {
          timeout: 60_000,
        },
      );
      const rows = stdout.trim().split('\n').slice(2);
      expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual([
        'good agent (signed request)',
        'good agent (DPoP-bound token)',
        'replayed request',
        'token stolen, used from another workload',
        'revoked agent',
        'zone violation (public agent in payments)',
        'unsigned human request',
      ]);
      for (const row of rows) expect(row).toMatch(/ ok$/);
    },
    90_000,
  );
});
