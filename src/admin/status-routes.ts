import type { PolicyRejection } from '../app/open-policy.js';
import type { AdminHandler } from './admin-deps.js';
import { json } from './admin-reply.js';

const STORE_PING_TIMEOUT_MS = 1000;

/** Liveness: the process answers. */
export const healthz: AdminHandler = async () => ({
  status: 200,
  text: { contentType: 'text/plain; charset=utf-8', content: 'ok\n' },
});

/** Readiness: a policy is in force, the store answers, and the check listeners are up. */
export const readyz: AdminHandler = async (deps) => {
  const checks = {
    policy: policyLoaded(deps),
    store: await storeReachable(deps),
    listeners: deps.listenersUp(),
  };
  const ready = checks.policy && checks.store && checks.listeners;
  return json(ready ? 200 : 503, { ready, checks });
};

export const metrics: AdminHandler = async (deps) => ({
  status: 200,
  text: { contentType: deps.registry.contentType, content: await deps.registry.metrics() },
});

/**
 * The policy in force — generation, hash, where and when it was loaded — and the reload state:
 * `lastError` while the file as it is now was refused (cleared by a later good reload),
 * `lastRejected` the most recent refusal, kept for history.
 */
export const policy: AdminHandler = async (deps) => {
  const current = deps.policy.current();
  const { lastError, lastRejected } = deps.policyStatus;
  return json(200, {
    version: 1 + deps.policy.reloads.applied,
    sha256: current.source.sha256,
    file: current.source.file,
    // The embedded default policy is built into the binary: it has no load time of its own.
    loadedAt:
      current.source.file === null ? null : new Date(current.source.loadedAtMs).toISOString(),
    mode: current.mode,
    reloads: { ...deps.policy.reloads },
    lastError: rejection(lastError),
    lastRejected: rejection(lastRejected),
  });
};

function rejection(value: PolicyRejection | undefined): { message: string; at: string } | null {
  return value === undefined
    ? null
    : { message: value.message, at: new Date(value.atMs).toISOString() };
}

function policyLoaded(deps: Parameters<AdminHandler>[0]): boolean {
  try {
    return deps.policy.current() !== undefined;
  } catch {
    return false;
  }
}

async function storeReachable(deps: Parameters<AdminHandler>[0]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS);
  });
  const ping = deps.store.ping().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
