import { resolve } from 'node:path';
import {
  type FileContents,
  type StableFileTiming,
  watchStableFile,
} from '../lib/watch-stable-file.js';
import { unreadable } from '../lib/yaml-file.js';
import { loadPolicyFile, parsePolicy } from './load-policy.js';
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
 * Loads a policy file and reloads it when it changes and has stopped changing (see
 * watch-stable-file.ts: a file caught mid-write is never read). An unchanged file (same hash)
 * is ignored; a file that is empty or does not validate is rejected, counted and reported,
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
  const rejected = (error: Error): void => {
    reloads.rejected += 1;
    events.rejected(error);
  };
  const reload = (contents: FileContents): void => {
    try {
      const next = policyOf(path, contents);
      if (next.source.sha256 === policy.source.sha256) return;
      policy = next;
      reloads.applied += 1;
      events.applied(next);
    } catch (error) {
      rejected(error as Error);
    }
  };
  const watcher = watchStableFile(path, { changed: reload, failed: rejected }, timing);
  return { current: () => policy, reloads, close: () => watcher.close() };
}

function policyOf(path: string, contents: FileContents): Policy {
  if ('error' in contents) throw unreadable(path, 'policy file', contents.error);
  return parsePolicy(contents.text, path);
}
