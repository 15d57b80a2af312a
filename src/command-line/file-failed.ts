import { CommandFailed } from './cli-errors.js';

/** Node's errno codes for files, in the words a user reads. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/**
 * The CommandFailed for a file that could not be read or written (`cannot read key file
 * nope.json: no such file`), with what to try. An error that is not a file system error is
 * described by its message.
 */
export function fileFailed(
  action: 'read' | 'write',
  what: string,
  path: string,
  error: unknown,
  hint?: string,
): CommandFailed {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code === undefined ? undefined : FILE_ERRORS[code]) ?? (error as Error).message;
  return new CommandFailed(`cannot ${action} ${what} ${path}: ${reason}`, {
    cause: error,
    ...(hint === undefined ? {} : { hint }),
  });
}
