import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a secret to `path` readable by its owner only (0600), whatever was there before.
 * Without `overwrite`, an existing file (or symlink) is an error (EEXIST) and is left untouched. With it,
 * the text goes to a fresh 0600 file beside `path` that then replaces it, so the secret is never
 * in a file with the old file's wider mode.
 */
export function writePrivateFile(path: string, text: string, overwrite: boolean): void {
  if (!overwrite) {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return;
  }
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
