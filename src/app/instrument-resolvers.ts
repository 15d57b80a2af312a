import type { Span } from '@opentelemetry/api';
import type { DirectoryKeyResolver } from '../keys/resolve-directory-key.js';
import type { KeyResolver } from '../keys/resolve-verification-key.js';
import type { TokenVerifier } from '../proofs/verified-token.js';
import { childSpanRunner } from '../telemetry/child-span.js';
import type { HotCounter } from '../telemetry/hot-metrics.js';
import type { Metrics } from '../telemetry/metrics.js';

const CACHE_ATTRIBUTE = 'agent_authz.cache';
const OUTCOMES = ['hit', 'miss', 'error'] as const;
type Outcome = (typeof OUTCOMES)[number];

/** DID methods reported as themselves; anything else is `other` (labels stay a closed set). */
const DID_METHODS = ['key', 'jwk', 'web', 'other'] as const;

/**
 * Counts and traces DID key resolution by method and cache outcome. The resolver caches imported
 * keys and returns the same object on a hit, so an object seen before is a hit — no change to the
 * resolver, and exact under concurrency.
 */
export function instrumentKeyResolver(resolve: KeyResolver, metrics: Metrics): KeyResolver {
  const byMethod = Object.fromEntries(
    DID_METHODS.map((method) => [method, observer(metrics.keyResolutions, method)]),
  ) as Record<(typeof DID_METHODS)[number], Observer>;
  const inChildSpan = childSpanRunner();
  return (keyId, client) => {
    const observe = byMethod[didMethod(keyId)];
    return inChildSpan('agent_authz.resolve_key', (span) => {
      span?.setAttribute('agent_authz.key.method', observe.method);
      return observe(span, resolve(keyId, client), (key) => key);
    });
  };
}

/** The same for Web Bot Auth directories: a key object from a cached directory is a hit. */
export function instrumentDirectoryResolver(
  resolve: DirectoryKeyResolver,
  metrics: Metrics,
): DirectoryKeyResolver {
  const observe = observer(metrics.keyResolutions, 'web_bot_auth');
  const inChildSpan = childSpanRunner();
  return (origin, thumbprint, client) =>
    inChildSpan('agent_authz.resolve_key', (span) => {
      span?.setAttribute('agent_authz.key.method', observe.method);
      return observe(span, resolve(origin, thumbprint, client), (key) => key.key);
    });
}

/** Token verification, whose cache returns the same verified object on a hit. */
export function instrumentTokenVerifier(verify: TokenVerifier, metrics: Metrics): TokenVerifier {
  const observe = observer(metrics.tokenVerifications);
  const inChildSpan = childSpanRunner();
  return (token, sha256) =>
    inChildSpan('agent_authz.verify_token', (span) =>
      observe(span, verify(token, sha256), (verified) => verified),
    );
}

type Observer = (<T>(
  span: Span | undefined,
  work: Promise<T>,
  identity: (result: T) => object,
) => Promise<T>) & { readonly method: string };

/** Counts outcomes in cells resolved once; `seen` holds the objects caches hand out again. */
function observer(counter: HotCounter, method?: string): Observer {
  const cells = Object.fromEntries(
    OUTCOMES.map((outcome) => [
      outcome,
      method === undefined ? counter.cell(outcome) : counter.cell(method, outcome),
    ]),
  ) as Record<Outcome, { n: number }>;
  const seen = new WeakSet<object>();
  const observe = async <T>(
    span: Span | undefined,
    work: Promise<T>,
    identity: (result: T) => object,
  ): Promise<T> => {
    let outcome: Outcome = 'error';
    try {
      const result = await work;
      const key = identity(result);
      outcome = seen.has(key) ? 'hit' : 'miss';
      seen.add(key);
      return result;
    } finally {
      cells[outcome].n += 1;
      span?.setAttribute(CACHE_ATTRIBUTE, outcome);
    }
  };
  return Object.assign(observe, { method: method ?? '' });
}

function didMethod(keyId: string): (typeof DID_METHODS)[number] {
  // Prefix tests rather than slicing the method out: no string is made or looked up per check.
  if (keyId.startsWith('did:key:')) return 'key';
  if (keyId.startsWith('did:jwk:')) return 'jwk';
  if (keyId.startsWith('did:web:')) return 'web';
  return 'other';
}
