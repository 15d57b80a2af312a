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
import { knownFields } from './known-fields.js';
import { nearestName } from './nearest-name.js';

/**
 * A YAML file kept with its document and line index, so validation errors can name the line
 * and column of the offending field (config and policy files both use it).
 */
export interface YamlFile {
  readonly name: string;
  /** The file as read, e.g. for a content hash. */
  readonly text: string;
  readonly document: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface YamlReadOptions {
  /**
   * For a file that is reloaded while the process runs: a document that is empty, only
   * comments, or `null` is refused instead of read as "every field at its default". Such a file
   * is far more often one caught mid-write than one meant to turn every setting off.
   */
  readonly refuseEmpty?: boolean;
}

/** Reads and parses a YAML mapping; `env` enables `${VAR}` substitution in string values. */
export function readYamlFile(
  name: string,
  kind: string,
  env?: Env,
  options: YamlReadOptions = {},
): YamlFile {
  let text: string;
  try {
    text = readFileSync(name, 'utf8');
  } catch (error) {
    throw unreadable(name, kind, error);
  }
  return parseYamlFile(name, text, kind, env, options);
}

/** Errno codes of a file that cannot be read, in the words an operator reads. */
const UNREADABLE: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A config or policy file that cannot be read at all (as opposed to one that is invalid). */
export class UnreadableFileError extends ConfigError {
  readonly kind: string;
  constructor(message: string, kind: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * The error for a file that cannot be read: `cannot read policy file p.yaml: no such file
 * (ENOENT)`, with the errno code only (never the text of a file read so far).
 */
export function unreadable(name: string, kind: string, error: unknown): UnreadableFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const words = code === undefined ? undefined : UNREADABLE[code];
  const why = words === undefined ? (code ?? String(error)) : `${words} (${code})`;
  return new UnreadableFileError(`cannot read ${kind} ${name}: ${why}`, kind);
}

export function parseYamlFile(
  name: string,
  text: string,
  kind: string,
  env?: Env,
  options: YamlReadOptions = {},
): YamlFile {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new ConfigError(`${name}:${line}:${col}: ${first.message.split('\n')[0]}`);
  }
  const file = { name, text, document, lines, value: undefined as unknown };
  if (env !== undefined) interpolate(file, env);
  const value: unknown = document.toJS();
  if (value == null && options.refuseEmpty === true) {
    throw new ConfigError(
      `${name}: the ${kind} is empty; it is refused rather than read as every default (write {} to mean that)`,
    );
  }
  if (typeof (value ?? {}) !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${name}: the ${kind} must be a mapping of fields`);
  }
  return { ...file, value: value ?? {} };
}

/** `${NAME}` in a string value is replaced by that environment variable (SPEC §12 admin token). */
function interpolate(file: Omit<YamlFile, 'value'>, env: Env): void {
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

/**
 * One line per zod issue: where the value came from (file:line:col, or an entry of `origins`
 * such as an environment variable), the field, and the message; an unknown field names the
 * known one of `schema` it most likely meant. A single issue makes a single line
 * (`invalid policy: policy.yaml:3:5: zones.0.hots: unknown field; did you mean hosts?`),
 * several make a title line and one indented line each.
 */
export function describeIssues(
  title: string,
  issues: readonly z.core.$ZodIssue[],
  origins: ReadonlyMap<string, string>,
  file: YamlFile | undefined,
  schema?: z.ZodType,
): string {
  const originOf = (path: readonly PropertyKey[]): string =>
    origins.get(path.join('.')) ?? (file && filePosition(file, path)) ?? 'default';
  const lines = issues.flatMap((issue) => {
    // One line per unknown key, pointing at the key itself rather than at its mapping.
    if (issue.code === 'unrecognized_keys') {
      const known = schema === undefined ? [] : knownFields(schema, issue.path);
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const meant = nearestName(key, known);
        const hint =
          meant === undefined ? '' : `; did you mean ${[...issue.path, meant].join('.')}?`;
        return `${(file && keyPosition(file, path)) ?? originOf(issue.path)}: ${path.join('.')}: unknown field${hint}`;
      });
    }
    const params = issue.code === 'custom' ? issue.params : undefined;
    if (Array.isArray(params?.related)) return [describeComparison(issue, params, originOf)];
    return [`${originOf(issue.path)}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`];
  });
  return lines.length === 1 ? `${title}: ${lines[0]}` : `${title}\n  ${lines.join('\n  ')}`;
}

/**
 * A cross-field issue, led by the side the operator set: when this field kept its default but
 * the other was set (by a variable, say), the line starts at the other one's origin.
 */
function describeComparison(
  issue: z.core.$ZodIssue,
  params: { related?: PropertyKey[]; relatedMessage?: string },
  originOf: (path: readonly PropertyKey[]) => string,
): string {
  const related = params.related!;
  const [own, other] = [originOf(issue.path), originOf(related)];
  if (own === 'default' && other !== 'default' && params.relatedMessage !== undefined) {
    return `${other}: ${related.join('.')}: ${params.relatedMessage} (${issue.path.join('.')} is the default)`;
  }
  return `${own}: ${issue.path.join('.')}: ${issue.message} (${related.join('.')} from ${other})`;
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
