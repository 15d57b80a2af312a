import { ConfigError } from '../errors.js';
import { describeIssues, parseYamlFile, readYamlFile, type YamlFile } from '../lib/yaml-file.js';
import { compilePolicy } from './compile-policy.js';
import type { Policy } from './policy.js';
import { policySchema } from './policy-schema.js';

/**
 * Reads, validates and compiles a policy file. Errors are ConfigErrors naming the field and
 * its line (`policy.yaml:12:7: zones.0.minTrust: …`).
 */
export function loadPolicyFile(file: string, nowMs = Date.now()): Policy {
  return compileFile(readYamlFile(file, 'policy file'), nowMs);
}

/** The same for text already in memory (`agent-authz policy check`, tests). */
export function parsePolicy(text: string, name = 'policy.yaml', nowMs = Date.now()): Policy {
  return compileFile(parseYamlFile(name, text, 'policy file'), nowMs);
}

function compileFile(file: YamlFile, nowMs: number): Policy {
  const parsed = policySchema.safeParse(file.value);
  if (!parsed.success) {
    throw new ConfigError(describeIssues('invalid policy', parsed.error.issues, new Map(), file));
  }
  return compilePolicy(parsed.data, { file: file.name, text: file.text, loadedAtMs: nowMs });
}

/** SPEC §5 default (no policy file): enforce; unsigned allowed and tagged; any valid key allowed. */
export const DEFAULT_POLICY: Policy = compilePolicy(policySchema.parse({}), {
  file: null,
  text: '',
  loadedAtMs: 0,
});
