import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The GitHub workflow files, checked offline against the published workflow schema (the one
 * SchemaStore publishes, compiled into @action-validator/core). They have not run here: no
 * runner, registry or npm token is reachable from the test machines.
 */
const DIR = '.github/workflows';
const FILES = readdirSync(DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(DIR, name));

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is read as data
type Yaml = any;
const load = (file: string): Yaml => parse(readFileSync(file, 'utf8'));
const steps = (job: Yaml): Yaml[] => job.steps ?? [];
const runs = (job: Yaml): string =>
  steps(job)
    .map((step) => step.run ?? '')
    .join('\n');

describe.each(FILES)('the workflow %s', (file) => {
  it('is valid against the GitHub workflow schema', () => {
    expect(validateWorkflow(readFileSync(file, 'utf8')).errors).toEqual([]);
  });

  it('pins every action to a commit, with the version it is in a comment', () => {
    const uses = [...readFileSync(file, 'utf8').matchAll(/uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, comment] of uses) {
      expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/# v\d+\.\d+\.\d+$/);
    }
  });
});

describe('the workflow schema check', () => {
  it.each([
    [
      'a misspelt key',
      'runs-on: ubuntu-24.04\n    timeout-minutes: 60',
      'run-on: ubuntu-24.04\n    timeout-minutes: 60',
    ],
    ['needs given as a map', 'needs: [image, npm]', 'needs: { image: true }'],
    ['a permission that does not exist', 'packages: write', 'pakages: write'],
  ])('reports %s', (_name, from, to) => {
    const text = readFileSync(join(DIR, 'release.yml'), 'utf8');
    expect(text).toContain(from);
    expect(validateWorkflow(text.replace(from, to)).errors.length).toBeGreaterThan(0);
  });
});

describe('the release workflow', () => {
  const release = load(join(DIR, 'release.yml'));
  const { verify, image, npm, release: publish } = release.jobs;

  it('runs on version tags only, with no default permissions', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(release.permissions).toEqual({});
  });

  it('checks the tag, the image pins and .ci/run before anything is built or published', () => {
    expect(runs(verify)).toMatch(/node scripts\/check-release\.mjs .*"\$GITHUB_REF_NAME"/);
    expect(runs(verify)).toMatch(/sha256sum --check[\s\S]*bash \.ci\/run/);
    expect([image.needs, npm.needs, publish.needs]).toEqual(['verify', 'image', ['image', 'npm']]);
  });

  it('builds the runtime image for amd64 and arm64, pushed by version, with SBOM and provenance', () => {
    const build = steps(image).find((step) =>
      String(step.uses).startsWith('docker/build-push-action'),
    );
    expect(build.with).toMatchObject({
      target: 'runtime',
      platforms: 'linux/amd64,linux/arm64',
      push: true,
      sbom: true,
      provenance: 'mode=max',
    });
    expect(build.with.tags).toMatch(/\$\{\{ steps\.name\.outputs\.version \}\}$/);
    expect(image.outputs.digest).toMatch(/^\$\{\{ steps\.build\.outputs\.digest \}\}$/);
  });

  it('publishes the package with provenance, signed by the workflow identity', () => {
    expect(npm.permissions['id-token']).toBe('write');
    expect(runs(npm)).toMatch(/^npm publish --provenance --access public$/m);
  });

  it('attaches the image digest and the image and package SBOMs to the GitHub release', () => {
    expect(runs(publish)).toMatch(/imagetools inspect "\$REF"/);
    expect(runs(publish)).toMatch(/npm sbom .*--sbom-format spdx/);
    expect(runs(publish)).toMatch(/gh release create .*\*\.spdx\.json/s);
    expect(runs(publish)).toMatch(/\$\{IMAGE\}@\$\{DIGEST\}/);
  });
});
