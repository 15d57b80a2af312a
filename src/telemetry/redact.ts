import { createHash } from 'node:crypto';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { decisionLabel, decisionReason } from './decision-label.js';
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

/**
 * A decision line's fields as JSON text — `"kind":"decision",…` without the braces — written
 * field by field rather than as an object handed to `JSON.stringify` (the object and the
 * generic serialiser cost more than the rest of the line). The fields and their order are the
 * allow-list; undefined fields are left out, as `JSON.stringify` would. Values from the request,
 * the caller's credential or the policy are escaped (`jsonInner`); the others are codes from
 * closed sets, numbers and booleans.
 */
export function decisionFields(
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  latencyMs: number,
): string {
  const { identity } = decision;
  const reason = decisionReason(decision);
  let fields = `"kind":"decision","trace_id":"${jsonInner(traceId)}","decision":"${decisionLabel(decision)}"`;
  if (reason !== undefined) fields += `,"reason":"${reason}"`;
  if (identity.agentId !== undefined) fields += `,"agent_id":"${jsonInner(identity.agentId)}"`;
  fields += `,"verified":${identity.verified ? 'true' : 'false'},"profile":"${identity.profile}"`;
  if (identity.tag !== undefined) fields += `,"tag":"${jsonInner(identity.tag)}"`;
  if (identity.generation !== undefined) fields += `,"generation":"${identity.generation}"`;
  if (identity.zone !== undefined) fields += `,"zone":"${jsonInner(identity.zone)}"`;
  if (identity.trust !== undefined) fields += `,"trust":"${identity.trust}"`;
  if (identity.unchecked !== undefined) {
    fields += `,"unchecked":${JSON.stringify(identity.unchecked)}`;
  }
  fields += `,"method":"${jsonInner(request.method)}","host":"${jsonInner(request.authority)}","path":"${jsonInner(request.path)}"`;
  const principal = request.source.principal;
  if (principal) fields += `,"source_principal":"${jsonInner(principal)}"`;
  return `${fields},"latency_ms":${jsonNumber(Math.round(latencyMs * 1000) / 1000)}`;
}

/**
 * Text `JSON.stringify` writes as it is: no control, quote, backslash or surrogate (U+0020 up to
 * U+FFFF, less the quote, the backslash and U+D800–U+DFFF).
 */
const VERBATIM = /^[ !#-[\]-\ud7ff\ue000-\uffff]*$/;

/**
 * A string as it stands between the quotes of a JSON string literal: quotes, backslashes,
 * controls and lone surrogates escaped. Most values (paths, hosts, DIDs, trace ids) need no
 * escape and are used as they are, at a fraction of a call into `JSON.stringify`; anything else
 * goes through it. The quotes are in the caller's template, which saves two joins a field.
 * (Counted per decision line, bench/measure-decision-log.ts: 16.2k instructions all through
 * `JSON.stringify`, 13.1k with this test, 14.0k with a `charCodeAt` loop instead of it.)
 */
function jsonInner(value: string): string {
  return VERBATIM.test(value) ? value : JSON.stringify(value).slice(1, -1);
}

/** A number as `JSON.stringify` writes it (`null` for NaN and the infinities). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** An audit line's fields: the admin token appears only as its fingerprint, in `actor`. */
export function auditRecord(entry: AuditEntry): object {
  const { actor, action, target, outcome } = entry;
  return { kind: 'audit', actor, action, target, outcome };
}
