#!/usr/bin/env node
// Release consistency, checked by .github/workflows/release.yml before anything is built, pushed
// or published, and by test/deploy/release-files.test.ts on every change:
//   node scripts/check-release.mjs IMAGE [TAG [REPOSITORY]]
// prints each problem and exits 1 when
//   - a manifest (deploy/**/*.yaml) or docker-compose.yml names an agent-authz image other than
//     IMAGE:<package.json version> (they pin the image the release pushes, by its tag);
//   - TAG is given and is not v<package.json version>;
//   - REPOSITORY (owner/name, the GitHub repository running the release) is given and
//     package.json `repository` names another one: npm provenance refuses that mismatch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [image, tag, repository] = process.argv.slice(2);
if (image === undefined || image.includes(':')) {
  process.stderr.write('usage: check-release.mjs IMAGE [TAG [REPOSITORY]]  (IMAGE without a tag)\n');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const problems = [];
const expected = `${image}:${manifest.version}`;

for (const file of ['docker-compose.yml', ...yamlFiles('deploy')]) {
  const text = readFileSync(file, 'utf8');
  for (const [, ref] of text.matchAll(/^\s*(?:-\s+)?image:\s*["']?([^\s"'#]+)/gm)) {
    const name = ref.replace(/[:@].*$/, '');
    if (name.endsWith('/agent-authz') && ref !== expected) {
      problems.push(`${file}: image ${ref}, expected ${expected}`);
    }
  }
}
if (tag !== undefined && tag !== `v${manifest.version}`) {
  problems.push(`tag ${tag} is not v${manifest.version} (package.json version)`);
}
if (repository !== undefined && repository !== '') {
  const url = String(manifest.repository?.url ?? manifest.repository ?? '');
  const named = /github\.com[/:]([^/]+\/[^/.]+)/.exec(url)?.[1];
  if (named?.toLowerCase() !== repository.toLowerCase()) {
    problems.push(`package.json repository is ${url || '(none)'}, the release runs in ${repository}`);
  }
}
for (const problem of problems) process.stderr.write(`${problem}\n`);
process.exit(problems.length === 0 ? 0 : 1);

function yamlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, String(entry)))
    .filter((path) => /\.ya?ml$/.test(path))
    .sort();
}
