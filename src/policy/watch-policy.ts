import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { loadPolicyFile } from './load-policy.js';
import type { Policy } from './policy.js';

/** The policy in force, and how it came to be. */
export interface PolicySource {
  current(): Policy;
  readonly reloads: { applied: number; rejected: number };
  close(): void;
}

export interface PolicyReloadEvents {
  applied(policy: Policy): void;
  /** The message names the field and line; the previous policy stays in force. */
  rejected(error: Error): void;
}

export function staticPolicy(policy: Policy): PolicySource {
  return { current: () => policy, reloads: { applied: 0, rejected: 0 }, close: () => {} };
}

/**
 * Loads a policy file and reloads it when it changes. The directory is watched, not the file:
 * Kubernetes ConfigMaps update by swapping a symlink, which a watch on the file never sees.
 * Changes are debounced, an unchanged file (same hash) is ignored, and a file that does not
 * validate is rejected while the last good policy keeps serving. The swap is one assignment,
 * so every check sees either the old policy or the new one, never a mix.
 */
export function watchPolicyFile(
  file: string,
  events: PolicyReloadEvents,
  options: { debounceMs?: number } = {},
): PolicySource {
  const path = resolve(file);
  let policy = loadPolicyFile(path);
  const reloads = { applied: 0, rejected: 0 };
  let timer: NodeJS.Timeout | undefined;
  const reload = (): void => {
    timer = undefined;
    try {
      const next = loadPolicyFile(path);
      if (next.source.sha256 === policy.source.sha256) return;
      policy = next;
      reloads.applied += 1;
      events.applied(next);
    } catch (error) {
      reloads.rejected += 1;
      events.rejected(error as Error);
    }
  };
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, name) => {
    if (name !== null && name !== basename(path) && !name.startsWith('..')) return;
    clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
  });
  watcher.on('error', (error) => events.rejected(error));
  return {
    current: () => policy,
    reloads,
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
