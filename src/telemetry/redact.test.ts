import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentIdentity, Decision } from '../decision/decision.js';
import { REASON_CODES } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { decisionLabel, decisionReason } from './decision-label.js';
import { decisionFields } from './redact.js';

/** The decision line as it was built before: the allow-listed object through JSON.stringify. */
function recordOracle(
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  latencyMs: number,
): string {
  const { identity } = decision;
  const record = {
    kind: 'decision',
    trace_id: traceId,
    decision: decisionLabel(decision),
    reason: decisionReason(decision),
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
  return JSON.stringify(record).slice(1, -1);
}

/**
 * Any text: quotes, backslashes, controls, non-ASCII, lone surrogates (as UTF-16 code units) —
 * and as often printable ASCII, which the line quotes without `JSON.stringify` unless it holds a
 * quote or a backslash.
 */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[\w:/.#-]{0,40}$/),
);
const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });

const identities: fc.Arbitrary<AgentIdentity> = fc.record(
  {
    verified: fc.boolean(),
    profile: fc.constantFrom('unsigned', 'signed-request', 'web-bot-auth', 'dpop', 'mtls'),
    agentId: text,
    keyId: text,
    zone: text,
    tag: text,
    trust: fc.constantFrom('new', 'known', 'trusted'),
    generation: fc.constantFrom('g1', 'g2-directory', 'tag-directory'),
    unchecked: fc.subarray(['replay', 'history', 'workload-pin', 'drift', 'rate-limit'] as const),
  },
  { requiredKeys: ['verified', 'profile'] },
);

const decisions: fc.Arbitrary<Decision> = fc.oneof(
  fc.record({
    allowed: fc.constant(true as const),
    identity: identities,
    wouldDeny: optional(fc.constantFrom(...REASON_CODES)),
  }),
  fc.record({
    allowed: fc.constant(false as const),
    identity: identities,
    reason: fc.constantFrom(...REASON_CODES),
    message: text,
  }),
);

const requests = fc.record({
  method: text,
  authority: text,
  path: text,
  principal: fc.oneof(fc.constant(''), text),
});

const latencies = fc.oneof(
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.constantFrom(0, 0.0004, 0.0005, 12.3456789, Number.NaN, Number.POSITIVE_INFINITY),
);

describe('the decision line', () => {
  it('is byte for byte the JSON the allow-listed fields serialise to, whatever they hold', () => {
    fc.assert(
      fc.property(decisions, requests, text, latencies, (decision, parts, traceId, latency) => {
        const request = {
          method: parts.method,
          authority: parts.authority,
          path: parts.path,
          source: { principal: parts.principal, certificate: '', address: '' },
        } as AuthzRequest;
        const fields = decisionFields(request, decision, traceId, latency);
        expect(fields).toBe(recordOracle(request, decision, traceId, latency));
        expect(() => JSON.parse(`{${fields}}`)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out the key id, the message and anything else outside the allow-list', () => {
    const request = {
      method: 'GET',
      authority: 'api.example.com',
      path: '/orders',
      query: 'card=4111111111111111',
      source: { principal: '', certificate: 'PEM', address: '10.0.0.1:5000' },
    } as AuthzRequest;
    const decision: Decision = {
      allowed: false,
      identity: { verified: false, profile: 'dpop', keyId: 'did:key:z6Mk#secret-kid' },
      reason: 'token_invalid',
      message: 'the token eyJhbGciOi… is invalid',
    };
    const line = JSON.parse(`{${decisionFields(request, decision, 't-1', 1.5)}}`);
    expect(line).toEqual({
      kind: 'decision',
      trace_id: 't-1',
      decision: 'deny',
      reason: 'token_invalid',
      verified: false,
      profile: 'dpop',
      method: 'GET',
      host: 'api.example.com',
      path: '/orders',
      latency_ms: 1.5,
    });
  });
});
