import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const IMAGE = 'ghcr.io/agent-authz/agent-authz';

/** scripts/check-release.mjs, as the release workflow runs it; resolves with its exit code. */
async function checkRelease(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['scripts/check-release.mjs', ...args]);
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

describe('the release check (scripts/check-release.mjs)', () => {
  it('finds the manifests and compose pinning the image at the package version, and the tag naming it', async () => {
    expect(await checkRelease(IMAGE, `v${version}`, 'agent-authz/agent-authz')).toEqual({
      code: 0,
      stderr: '',
    });
  });

  it('names every manifest that pins another image, a tag that is not the version, and another repository', async () => {
    const { code, stderr } = await checkRelease(
      'ghcr.io/someone/agent-authz',
      'v9.9.9',
      'someone/fork',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(`deploy/kubernetes/deployment.yaml: image ${IMAGE}:${version}`);
    expect(stderr).toContain(`docker-compose.yml: image ${IMAGE}:${version}`);
    expect(stderr).toContain(`tag v9.9.9 is not v${version}`);
    expect(stderr).toMatch(/package\.json repository is .*agent-authz\/agent-authz.*someone\/fork/);
  });
});
