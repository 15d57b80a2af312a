import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** What a watched file held once it stopped changing: its text, or why it could not be read. */
export type FileContents = { readonly text: string } | { readonly error: NodeJS.ErrnoException };

export interface StableFileEvents {
  /** The file changed and then read the same twice, `settleMs` apart. */
  changed(contents: FileContents): void;
  /** The directory watch itself failed. */
  failed(error: Error): void;
}

export interface StableFileTiming {
  /** Quiet time after the last change event before the file is first read. */
  readonly debounceMs?: number;
  /** How long the file must then stay the same to count as written. */
  readonly settleMs?: number;
}

/** Reload latency is their sum; a writer pausing longer than that between pieces is not caught. */
export const DEFAULT_DEBOUNCE_MS = 100;
export const DEFAULT_SETTLE_MS = 300;

/**
 * Watches a file that is replaced while the process runs (the policy file) and reports its
 * contents only once it is stable, so a reader never acts on a file caught mid-write: truncated
 * by a non-atomic writer, half written by a slow one, or between the steps of a swap. The
 * directory is watched, not the file: Kubernetes ConfigMaps update by swapping a `..data`
 * symlink, which a watch on the file never sees. After a change event and `debounceMs` of
 * quiet, the file is read; it is read again `settleMs` later, and only when both reads agree
 * (and no event came in between) is the text reported — the very text that was compared, so
 * nothing can change between the check and its use.
 */
export function watchStableFile(
  file: string,
  events: StableFileEvents,
  timing: StableFileTiming = {},
): { close(): void } {
  const path = resolve(file);
  const debounceMs = timing.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const settleMs = timing.settleMs ?? DEFAULT_SETTLE_MS;
  let timer: NodeJS.Timeout | undefined;
  const after = (ms: number, step: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(step, ms);
  };
  const settle = (previous: FileContents): void => {
    const current = readContents(path);
    if (sameContents(previous, current)) events.changed(current);
    else after(settleMs, () => settle(current));
  };
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, name) => {
    if (name !== null && name !== basename(path) && !name.startsWith('..')) return;
    after(debounceMs, () => {
      const first = readContents(path);
      after(settleMs, () => settle(first));
    });
  });
  watcher.on('error', (error) => events.failed(error));
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

function readContents(path: string): FileContents {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { error: error as NodeJS.ErrnoException };
  }
}

function sameContents(a: FileContents, b: FileContents): boolean {
  if ('text' in a) return 'text' in b && a.text === b.text;
  return 'error' in b && a.error.code === b.error.code;
}
