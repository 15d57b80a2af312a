import { createHash } from 'node:crypto';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { decisionLabel } from './decision-label.js';
import type { AuditEntry } from './decision-log.js';

/**
 * The one place that decides what may reach a log line. The operational log censors the paths
 * below (callers log identifiers and reason codes only; this is the second line of defence
 * should a request, header map or error detail slip in). Decision and audit lines are built
 * from an allow-list of fields instead: identifiers, codes and numbers — never a header value,
 * the query string, a token, signature, proof or key.
 */
export const REDACT = {
  paths: [
    'authorization',
    'signature',
    'dpop',
    'token',
    'proof',
    'privateKey',
    'key',
    'jwk',
    '*.authorization',
    '*.signature',
    '*.dpop',
    '*.token',
    '*.proof',
    '*.privateKey',
    '*.key',
    '*.jwk',
    'headers.authorization',
    'headers.signature',
    'headers["signature-input"]',
    'headers.dpop',
  ],
  censor: '[redacted]',
};

/** Names a secret without revealing it: the first 12 hex digits of its SHA-256. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** A decision line's fields. */
export function decisionRecord(
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  latencyMs: number,
): object {
  const { identity } = decision;
  return {
    kind: 'decision',
    trace_id: traceId,
    decision: decisionLabel(decision),
    reason: decision.allowed ? decision.wouldDeny : decision.reason,
    agent_id: identity.agentId,
    verified: identity.verified,
    profile: identity.profile,
    tag: identity.tag,
    generation: identity.generation,
    zone: identity.zone,
    trust: identity.trust,
    unchecked: identity.unchecked,
    method: request.method,
    host: request.authority,
    path: request.path,
    source_principal: request.source.principal || undefined,
    latency_ms: Math.round(latencyMs * 1000) / 1000,
  };
}

/** An audit line's fields: the admin token appears only as its fingerprint, in `actor`. */
export function auditRecord(entry: AuditEntry): object {
  const { actor, action, target, outcome } = entry;
  return { kind: 'audit', actor, action, target, outcome };
}
