import { readFileSync } from 'node:fs';

/** The running package's version (package.json sits two levels above src/ and dist/ files). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
