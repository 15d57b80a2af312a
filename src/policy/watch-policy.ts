import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type FileContents,
  type StableFileTiming,
  watchStableFile,
} from '../lib/watch-stable-file.js';
import { unreadable } from '../lib/yaml-file.js';
import { loadPolicyFile, parsePolicy } from './load-policy.js';
import type { Policy } from './policy.js';

/** What reading the policy file again did. */
export type PolicyReloadOutcome = 'applied' | 'unchanged' | 'rejected';

/** The policy in force, and how it came to be. */
export interface PolicySource {
  current(): Policy;
  readonly reloads: { applied: number; rejected: number };
  /** Reads the file now, without waiting for a change (SIGHUP); a static policy is unchanged. */
  reload(): PolicyReloadOutcome;
  close(): void;
}

export interface PolicyReloadEvents {
  applied(policy: Policy): void;
  /** The file was read and holds the policy in force (same hash): nothing to apply. */
  unchanged(policy: Policy): void;
  /** The message names the field and line; the previous policy stays in force. */
  rejected(error: Error): void;
}

export function staticPolicy(policy: Policy): PolicySource {
  return {
    current: () => policy,
    reloads: { applied: 0, rejected: 0 },
    reload: () => 'unchanged',
    close: () => {},
  };
}

/**
 * Loads a policy file and reloads it when it changes and has stopped changing (see
 * watch-stable-file.ts: a file caught mid-write is never read), or at once when `reload()` is
 * called. An unchanged file (same hash) applies nothing; a file that is empty or does not validate is rejected, counted and reported,
 * while the last good policy keeps serving. The swap is one assignment, so every check sees
 * either the old policy or the new one, never a mix.
 */
export function watchPolicyFile(
  file: string,
  events: PolicyReloadEvents,
  timing: StableFileTiming = {},
): PolicySource {
  const path = resolve(file);
  let policy = loadPolicyFile(path);
  const reloads = { applied: 0, rejected: 0 };
  const rejected = (error: Error): PolicyReloadOutcome => {
    reloads.rejected += 1;
    events.rejected(error);
    return 'rejected';
  };
  const reload = (contents: FileContents): PolicyReloadOutcome => {
    let next: Policy;
    try {
      next = policyOf(path, contents);
    } catch (error) {
      return rejected(error as Error);
    }
    if (next.source.sha256 === policy.source.sha256) {
      events.unchanged(policy);
      return 'unchanged';
    }
    policy = next;
    reloads.applied += 1;
    events.applied(next);
    return 'applied';
  };
  const watcher = watchStableFile(path, { changed: reload, failed: rejected }, timing);
  return {
    current: () => policy,
    reloads,
    reload: () => reload(readNow(path)),
    close: () => watcher.close(),
  };
}

function readNow(path: string): FileContents {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { error: error as NodeJS.ErrnoException };
  }
}

function policyOf(path: string, contents: FileContents): Policy {
  if ('error' in contents) throw unreadable(path, 'policy file', contents.error);
  return parsePolicy(contents.text, path);
}
