import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from './start-test-app.js';

export interface PolicyTestApp {
  /** The running app (valid inside tests). */
  readonly server: TestApp;
  readonly policyFile: string;
  /** Replaces the policy file's contents (to exercise hot reload). */
  writePolicy(text: string): void;
}

/** A test app for the enclosing file, serving the given policy file (hot reload on). */
export function usePolicyApp(
  policyYaml: string,
  flags: string[] = [],
  options: TestAppOptions = {},
): PolicyTestApp {
  const dir = mkdtempSync(join(tmpdir(), 'agent-authz-policy-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, policyYaml);
  let server: TestApp | undefined;
  beforeAll(async () => {
    server = await startTestApp([`--policy=${policyFile}`, ...flags], options);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the policy app starts in beforeAll');
      return server;
    },
    policyFile,
    writePolicy: (text) => writeFileSync(policyFile, text),
  };
}
