import { dirname, resolve } from 'node:path';

/**
 * Config fields that name a file. A relative path in the config file is read against the
 * file's folder (so a config and its policy can move together); one from an environment
 * variable or a flag against the working directory. Add a field here when it names a file.
 */
export const FILE_PATH_FIELDS: readonly (readonly string[])[] = [
  ['policy'],
  ['resolver', 'caFile'],
  ['tokens', 'jwks', 'caFile'],
];

export function isFilePathField(path: readonly string[]): boolean {
  return FILE_PATH_FIELDS.some((field) => field.join('.') === path.join('.'));
}

/** Rewrites the file's relative file paths (in place) to absolute ones against its folder. */
export function resolveFilePaths(raw: Record<string, unknown>, configFile: string): void {
  const folder = dirname(resolve(configFile));
  for (const field of FILE_PATH_FIELDS) {
    const parent = field
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], raw);
    if (typeof parent !== 'object' || parent === null) continue;
    const record = parent as Record<string, unknown>;
    const key = field.at(-1)!;
    if (typeof record[key] === 'string' && record[key] !== '') {
      record[key] = resolve(folder, record[key]);
    }
  }
}

/** A file path from an environment variable or a flag: against the working directory. */
export function resolveFromWorkingDirectory(text: string): string {
  return text === '' ? text : resolve(text);
}
