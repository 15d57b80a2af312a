import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerfileStages } from './check-container-files.js';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('the runtime image', () => {
  it('holds every folder the package ships, so the admin page and protos are found at run time', () => {
    const runtime = dockerfileStages(dockerfile).at(-1)!;
    const copied = runtime.lines
      .map((line) => /^COPY\s+(?:--from=\S+\s+)?(\S+)\s+\S+$/.exec(line)?.[1])
      .map((source) => source?.replace(/^\/app\//, ''));
    // `!dist/demo`-style entries only narrow what npm packs; the image may hold more.
    const folders = packageJson.files.filter((entry) => !entry.startsWith('!'));
    for (const folder of folders) expect(copied, folder).toContain(folder);
  });
});
