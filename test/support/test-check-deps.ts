import { webBotAuthSettings } from '../../src/app/web-bot-auth-settings.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createKeyResolver } from '../../src/keys/resolve-verification-key.js';
import { type CheckDeps, DEFAULT_CHECK_LIMITS } from '../../src/pipeline/check-deps.js';
import { DEFAULT_POLICY } from '../../src/policy/load-policy.js';
import { createMemoryStore } from '../../src/store/memory/create-memory-store.js';

/**
 * What `runCheck` needs for a test that calls the pipeline directly: the default policy, window
 * and limits, a memory store, did:key resolution, no key directories, no tokens, and a fixed
 * clock; an internal error is thrown so the test sees it. `overrides` replace single fields.
 */
export function testCheckDeps(nowMs: number, overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    resolveKey: createKeyResolver({ cacheSize: 10 }),
    resolveDirectoryKey: async () => {
      throw new Error('no directories here');
    },
    store: createMemoryStore({ maxAgents: 100, maxEntries: 1000 }),
    policy: () => DEFAULT_POLICY,
    window: { maxAgeMs: 300_000, clockSkewMs: 30_000 },
    signatureLimits: { maxSignatures: 8, maxComponents: 32 },
    allowTestKeys: false,
    webBotAuth: webBotAuthSettings(loadConfig({ env: {}, flags: [] }).webBotAuth),
    limits: DEFAULT_CHECK_LIMITS,
    tokens: undefined,
    onStoreError: 'deny',
    onStoreDegraded: () => {},
    clock: () => nowMs,
    onInternalError: (error) => {
      throw error;
    },
    onHistoryError: () => {},
    ...overrides,
  };
}
