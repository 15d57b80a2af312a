import { existsSync, readFileSync } from 'node:fs';

/**
 * The running package's version. package.json sits two levels above src/ and dist/ files, three
 * above the copies the bench scripts compile into dist-bench/src/.
 */
export function packageVersion(): string {
  const near = new URL('../../package.json', import.meta.url);
  const file = existsSync(near) ? near : new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
