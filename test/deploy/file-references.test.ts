import { describe, expect, it } from 'vitest';
import { missingReferences, readText, referringFiles } from './file-references.js';

describe('the docs and configs', () => {
  const files = referringFiles();

  it('include the README, every doc, the Envoy and deploy configs, the workflows and scripts', () => {
    for (const file of [
      'README.md',
      'docs/deploy.md',
      'envoy/envoy-grpc.yaml',
      '.github/workflows/release.yml',
    ]) {
      expect(files).toContain(file);
    }
  });

  it.each(files)('%s names only repository files that exist', (file) => {
    expect(missingReferences(file, readText(file))).toEqual([]);
  });
});

describe('the file reference check', () => {
  it.each([
    [
      'a path from the root',
      'made by `scripts/generate-demo-certs.sh`',
      'envoy/README.md',
      'scripts/generate-demo-certs.sh',
    ],
    [
      'a link relative to the doc',
      'see [the policy](../deploy/istio/authorization-policy.yaml)',
      'docs/deploy.md',
      '../deploy/istio/authorization-policy.yaml',
    ],
    [
      'a compiled module without its source',
      'node dist/x.js, from `bench/no-such-harness.js`',
      'docs/performance.md',
      'bench/no-such-harness.js',
    ],
  ])('reports %s that does not exist', (_name, text, file, reference) => {
    expect(missingReferences(file, text)).toEqual([reference]);
  });

  it('accepts a module named by its compiled name, a folder, a doc anchor, and ignores absolute and URL paths', () => {
    const text = [
      '`bench/gc-window-preload.js`, `bench/noop-http2-server`, deploy/istio,',
      'docs/deploy.md#http-mode, /etc/envoy/certs, https://example.com/src/nothing.ts',
    ].join('\n');
    expect(missingReferences('docs/performance.md', text)).toEqual([]);
  });
});
