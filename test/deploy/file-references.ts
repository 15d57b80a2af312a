import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** The repository's top-level folders a doc or config may name a file under. */
const FOLDERS = 'src|test|docs|deploy|envoy|scripts|schema|proto|assets|bench|bin|\\.github|\\.ci';
/** A path under one of them, or one relative to the naming file (`./`, `../`). */
const REFERENCE = new RegExp(`(?<![\\w./@:~-])((?:\\.\\.?/)*(?:${FOLDERS})/[\\w./-]*[\\w-])`, 'g');

/** The docs and configs whose file references are checked. */
export function referringFiles(): string[] {
  const under = (dir: string, pattern: RegExp) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((path) => pattern.test(path))
      .map((path) => join(dir, path));
  return [
    'README.md',
    'Dockerfile',
    'docker-compose.yml',
    ...under('docs', /\.md$/),
    ...under('envoy', /./),
    ...under('deploy', /\.ya?ml$/),
    ...under('.github', /\.ya?ml$/),
    ...under('scripts', /./),
  ].sort();
}

/**
 * Paths that `file` (a path in the repository, its text `text`) names and that do not exist.
 * A path counts as existing as written, as a TypeScript source for a compiled `.js`, or as a
 * module named without its `.ts`.
 */
export function missingReferences(file: string, text: string, root = '.'): string[] {
  const missing = new Set<string>();
  for (const [, reference] of text.matchAll(REFERENCE)) {
    const relativeToFile = /^\.\.?\//.test(reference!);
    const path = normalize(join(root, relativeToFile ? dirname(file) : '.', reference!));
    const candidates = [path, path.replace(/\.js$/, '.ts'), `${path}.ts`];
    if (!candidates.some((candidate) => existsSync(candidate))) missing.add(reference!);
  }
  return [...missing];
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
