import { existsSync, readFileSync } from 'node:fs';

/** The audit lines a decision log file holds so far (none before it exists), parsed. */
export function auditLines(file: string): Array<Record<string, unknown>> {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"audit"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : [];
}
