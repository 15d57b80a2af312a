import { readFileSync } from 'node:fs';
import {
  type Document,
  isCollection,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { type Config, configSchema } from './config-schema.js';
import {
  type ConfigLeaf,
  coerceLeafText,
  configLeaves,
  parseConfigFlags,
} from './config-sources.js';

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
 * variable or flag). The result is frozen.
 */
export function loadConfig(sources: ConfigSources): Config {
  const file = sources.file === undefined ? undefined : readYaml(sources.file, sources.env);
  const raw = (file?.value ?? {}) as Record<string, unknown>;
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
    throw new ConfigError(describeIssues(parsed.error.issues, origins, file));
  }
  return deepFreeze(parsed.data);
}

interface YamlFile {
  readonly name: string;
  readonly document: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

function readYaml(name: string, env: ConfigSources['env']): YamlFile {
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${name}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new ConfigError(`${name}:${line}:${col}: ${first.message.split('\n')[0]}`);
  }
  const file = { name, document, lines, value: undefined as unknown };
  interpolate(file, env);
  const value = document.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${name}: the config file must be a mapping of fields`);
  }
  return { ...file, value };
}

/** `${NAME}` in a string value is replaced by that environment variable (SPEC §12 admin token). */
function interpolate(file: Omit<YamlFile, 'value'>, env: ConfigSources['env']): void {
  const visit = (node: unknown): void => {
    if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      node.value = node.value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, variable: string) => {
        const value = env[variable];
        if (value === undefined) {
          throw new ConfigError(
            `${position(file, node.range?.[0])}: environment variable ${variable} is not set`,
          );
        }
        return value;
      });
      return;
    }
    const items = (node as { items?: unknown[] } | null)?.items;
    for (const item of items ?? []) {
      const pair = item as { key?: unknown; value?: unknown };
      visit('value' in (pair as object) ? pair.value : item);
    }
  };
  visit(file.document.contents);
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
  node[leaf.path.at(-1)!] = coerceLeafText(leaf, text);
  origins.set(leaf.path.join('.'), origin);
}

function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  origins: ReadonlyMap<string, string>,
  file: YamlFile | undefined,
): string {
  const originOf = (path: readonly PropertyKey[]): string =>
    origins.get(path.join('.')) ?? (file && filePosition(file, path)) ?? 'default';
  const lines = issues.flatMap((issue) => {
    // One line per unknown key, pointing at the key itself rather than at its mapping.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        return `${(file && keyPosition(file, path)) ?? originOf(issue.path)}: ${path.join('.')}: unknown field`;
      });
    }
    const related = issue.code === 'custom' ? issue.params?.related : undefined;
    const note = Array.isArray(related) ? ` (${related.join('.')} from ${originOf(related)})` : '';
    return [
      `${originOf(issue.path)}: ${issue.path.join('.') || '(top level)'}: ${issue.message}${note}`,
    ];
  });
  return `invalid configuration\n  ${lines.join('\n  ')}`;
}

/**
 * Where the file sets `path`: the value's node, or the alias or scalar the path runs into, or
 * the list item a missing field belongs to. Undefined when the file leaves the field to its
 * default.
 */
function filePosition(file: YamlFile, path: readonly PropertyKey[]): string | undefined {
  let node: unknown = file.document.contents;
  let listItem: unknown;
  for (const key of path) {
    if (!isCollection(node)) break;
    node = node.get(key, true);
    if (typeof key === 'number') listItem = node;
  }
  // A field missing from a list item (an issuer without audiences) points at the item.
  const found = node ?? listItem;
  return found == null ? undefined : position(file, (found as Node).range?.[0]);
}

/** The position of the key (not the value) of the last path segment, if the file has it. */
function keyPosition(file: YamlFile, path: readonly PropertyKey[]): string | undefined {
  const parent = file.document.getIn(path.slice(0, -1) as unknown[], true);
  if (!isMap(parent)) return undefined;
  const name = String(path.at(-1));
  const pair = parent.items.find(
    (item) => String(isScalar(item.key) ? item.key.value : item.key) === name,
  );
  return isNode(pair?.key) ? position(file, pair.key.range?.[0]) : undefined;
}

function position(file: Omit<YamlFile, 'value'>, offset: number | undefined): string {
  if (offset === undefined) return file.name;
  const { line, col } = file.lines.linePos(offset);
  return `${file.name}:${line}:${col}`;
}
