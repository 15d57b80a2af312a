import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema } from './config-schema.js';

/** A settable leaf of the config: its path and the JSON type its text is coerced to. */
export interface ConfigLeaf {
  readonly path: readonly string[];
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  /** `AGENT_AUTHZ_SIGNATURES_MAX_AGE` for `signatures.maxAge`. */
  readonly envName: string;
  /** `--signatures.max-age` for `signatures.maxAge`. */
  readonly flagName: string;
}

export const ENV_PREFIX = 'AGENT_AUTHZ_';

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema> };

/** The published JSON Schema of the config file (schema/config.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
}

/** schema/config.schema.json exactly as committed (`npm run schema` writes it). */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

/** Every leaf of the schema, so env variables and flags cover every field automatically. */
export function configLeaves(): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = [];
  const walk = (schema: JsonSchema, path: string[]): void => {
    if (schema.type === 'object' && schema.properties !== undefined) {
      for (const [key, child] of Object.entries(schema.properties)) walk(child, [...path, key]);
      return;
    }
    const kebab = path.map((part) => part.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    leaves.push({
      path,
      type: (schema.type ?? 'string') as ConfigLeaf['type'],
      envName: ENV_PREFIX + kebab.join('_').replaceAll('-', '_').toUpperCase(),
      flagName: `--${kebab.join('.')}`,
    });
  };
  walk(configJsonSchema() as JsonSchema, []);
  return leaves;
}

/**
 * parseArgs options for every config flag, in both spellings (`signatures.max-age` and
 * `signatures.maxAge`), so `serve` parses them with the shared CLI parser.
 */
export function configFlagOptions(): Record<string, { type: 'string' }> {
  const options: Record<string, { type: 'string' }> = {};
  for (const leaf of configLeaves()) {
    options[leaf.flagName.slice(2)] = { type: 'string' };
    options[leaf.path.join('.')] = { type: 'string' };
  }
  return options;
}

/**
 * Text from an env variable or flag, as the leaf's JSON type (zod reports what is still wrong).
 * Text that starts like a JSON array but is not JSON is a ConfigError.
 */
export function coerceLeafText(leaf: ConfigLeaf, text: string): unknown {
  switch (leaf.type) {
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
      // A JSON array sets a list of objects (`--issuers='[{"did":"did:key:…"}]'`).
      if (text.trimStart().startsWith('[')) return parseJsonOr(text);
      return text === '' ? [] : text.split(',').map((item) => item.trim());
    default:
      return text;
  }
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`invalid JSON: ${(error as Error).message}`);
  }
}

/** Parses `--name=value` / `--name value` pairs for config leaves; anything else is an error. */
export function parseConfigFlags(
  args: readonly string[],
  leaves: readonly ConfigLeaf[],
): Map<ConfigLeaf, string> {
  const byFlag = new Map(leaves.map((leaf) => [leaf.flagName, leaf]));
  for (const leaf of leaves) byFlag.set(`--${leaf.path.join('.')}`, leaf);
  const values = new Map<ConfigLeaf, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const leaf = byFlag.get(name);
    if (leaf === undefined) throw new ConfigError(`unknown option ${name}`);
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option ${name} needs a value`);
    values.set(leaf, value);
  }
  return values;
}
