import { ConfigError } from '../errors.js';
import { describeIssues, parseYamlFile, readYamlFile, type YamlFile } from '../lib/yaml-file.js';
import { compilePolicy } from './compile-policy.js';
import type { Policy } from './policy.js';
import { policySchema } from './policy-schema.js';

/**
 * A policy file is reloaded while the server runs, so an empty (or comment-only, or `null`)
 * document is refused at start and on reload alike: the same bytes never mean "the default
 * policy" at one moment and "rejected" at another. `{}` is the policy with every default.
 */
const POLICY_FILE = { refuseEmpty: true } as const;

/**
 * Reads, validates and compiles a policy file. Errors are ConfigErrors naming the field and
 * its line (`policy.yaml:12:7: zones.0.minTrust: …`).
 */
export function loadPolicyFile(file: string, nowMs = Date.now()): Policy {
  return compileFile(readYamlFile(file, 'policy file', undefined, POLICY_FILE), nowMs);
}

/** The same for text already in memory (a reloaded file, `agent-authz policy check`, tests). */
export function parsePolicy(text: string, name = 'policy.yaml', nowMs = Date.now()): Policy {
  return compileFile(parseYamlFile(name, text, 'policy file', undefined, POLICY_FILE), nowMs);
}

function compileFile(file: YamlFile, nowMs: number): Policy {
  const parsed = policySchema.safeParse(file.value);
  if (!parsed.success) {
    throw new ConfigError(
      describeIssues('invalid policy', parsed.error.issues, new Map(), file, policySchema),
    );
  }
  return compilePolicy(parsed.data, { file: file.name, text: file.text, loadedAtMs: nowMs });
}

/** SPEC §5 default (no policy file): enforce; unsigned allowed and tagged; any valid key allowed. */
export const DEFAULT_POLICY: Policy = compilePolicy(policySchema.parse({}), {
  file: null,
  text: '',
  loadedAtMs: 0,
});
