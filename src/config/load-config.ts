import { ConfigError } from '../errors.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { describeIssues, readYamlFile } from '../lib/yaml-file.js';
import { type Config, configSchema } from './config-schema.js';
import {
  type ConfigLeaf,
  coerceLeafText,
  configLeaves,
  parseConfigFlags,
} from './config-sources.js';
import {
  isFilePathField,
  resolveFilePaths,
  resolveFromWorkingDirectory,
} from './resolve-config-paths.js';

export interface ConfigSources {
  /** Path of the YAML file, if any. */
  readonly file?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Config flags (`--signatures.max-age=60s`), already split from the command. */
  readonly flags: readonly string[];
}

/**
 * Builds the configuration once at start: YAML file, then `AGENT_AUTHZ_*` variables, then flags,
 * validated together. Every error names the field and where its value came from (file:line:col,
 * variable or flag). Relative file paths are made absolute (see resolve-config-paths). The
 * result is frozen.
 */
export function loadConfig(sources: ConfigSources): Config {
  const file =
    sources.file === undefined ? undefined : readYamlFile(sources.file, 'config file', sources.env);
  const raw = (file?.value ?? {}) as Record<string, unknown>;
  if (sources.file !== undefined) resolveFilePaths(raw, sources.file);
  const origins = new Map<string, string>();
  const leaves = configLeaves();
  for (const leaf of leaves) {
    const text = sources.env[leaf.envName];
    if (text !== undefined)
      setLeaf(raw, leaf, text, origins, `environment variable ${leaf.envName}`);
  }
  for (const [leaf, text] of parseConfigFlags(sources.flags, leaves)) {
    setLeaf(raw, leaf, text, origins, `option ${leaf.flagName}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      describeIssues('invalid configuration', parsed.error.issues, origins, file, configSchema),
    );
  }
  return deepFreeze(parsed.data);
}

function coerceLabelled(leaf: ConfigLeaf, text: string, origin: string): unknown {
  try {
    return coerceLeafText(leaf, text);
  } catch (error) {
    const where = `${origin}: ${leaf.path.join('.')}`;
    throw new ConfigError(`invalid configuration: ${where}: ${(error as Error).message}`);
  }
}

function setLeaf(
  raw: Record<string, unknown>,
  leaf: ConfigLeaf,
  text: string,
  origins: Map<string, string>,
  origin: string,
): void {
  let node = raw;
  for (const key of leaf.path.slice(0, -1)) {
    const next = node[key];
    // A file value that should be a mapping but is not stays, so its error is still reported.
    if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next)))
      return;
    node[key] = next ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[leaf.path.at(-1)!] = isFilePathField(leaf.path)
    ? resolveFromWorkingDirectory(text)
    : coerceLabelled(leaf, text, origin);
  origins.set(leaf.path.join('.'), origin);
}
