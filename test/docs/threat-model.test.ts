import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MODEL = readFileSync(join(ROOT, 'docs', 'threat-model.md'), 'utf8');

/** A test reference in the model: `path/to/file.test.ts` › "the test's name". */
const REFERENCE = /`([\w./-]+\.test\.ts)`\s*›\s*"([^"]+)"/g;

function references(): Array<{ file: string; name: string }> {
  return [...MODEL.matchAll(REFERENCE)].map((match) => ({ file: match[1]!, name: match[2]! }));
}

describe('docs/threat-model.md', () => {
  it('names at least one test for every threat row', () => {
    const rows = MODEL.split('\n').filter((line) => /^\|\s*[A-Z]?\d+/.test(line));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row, row).toMatch(REFERENCE);
  });

  it.each(references())('points at a test that exists: $file › $name', ({ file, name }) => {
    const path = join(ROOT, file);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    expect(readFileSync(path, 'utf8'), `${file} has no test named "${name}"`).toContain(name);
  });
});
