import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from './decision.js';
import {
  forgedHeaderNames,
  type HeaderList,
  identityHeaders,
  isIdentityHeaderName,
  OWNED_HEADERS,
} from './upstream-headers.js';

/** The family test as first written: fold case, read `_` as `-`, compare the prefix. */
const readsAsIdentityOracle = (name: string): boolean =>
  name.toLowerCase().replaceAll('_', '-').startsWith('x-agent-');

/** The removal list as first written, with Sets. */
function forgedOracle(inboundNames: Iterable<string>, set: HeaderList): string[] {
  const ours = new Set(set.map(([name]) => name));
  const remove = new Set<string>(OWNED_HEADERS.filter((name) => !ours.has(name)));
  for (const name of inboundNames) {
    if (readsAsIdentityOracle(name) && !ours.has(name)) remove.add(name);
  }
  return [...remove];
}

/** Names near the family: its spellings in any case, with `_`, prefixes and arbitrary text. */
const headerNames = fc.oneof(
  fc.constantFrom(...OWNED_HEADERS, 'x_agent_id', 'X-Agent_Verified', 'X-AGENT-', 'x-agent'),
  fc
    .tuple(
      fc.constantFrom('x-agent-', 'X_AGENT_', 'x-Agent_', 'x-agenT-', 'x-agent', 'y-agent-'),
      fc.string({ unit: 'binary', maxLength: 8 }),
    )
    .map(([prefix, rest]) => prefix + rest),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\u212a-agent-id', 'x-agent\u0130', 'x\u2010agent-id', 'content-type'),
);

describe('identity header names', () => {
  it('reads a name as the x-agent- family exactly as case folding and `_` for `-` would', () => {
    fc.assert(
      fc.property(headerNames, (name) => {
        expect(isIdentityHeaderName(name)).toBe(readsAsIdentityOracle(name));
      }),
      { numRuns: 5000 },
    );
  });

  it('removes the same names, in the same order, as the Set-based list did', () => {
    const decisions = fc.record({
      allowed: fc.constant(true as const),
      identity: fc.record(
        {
          verified: fc.boolean(),
          profile: fc.constant('signed-request' as const),
          agentId: fc.constant('did:key:z6Mk'),
          zone: fc.constant('shop'),
          trust: fc.constant('new' as const),
        },
        { requiredKeys: ['verified', 'profile'] },
      ),
    }) as fc.Arbitrary<Decision>;
    fc.assert(
      fc.property(decisions, fc.array(headerNames, { maxLength: 12 }), (decision, inbound) => {
        const set = identityHeaders(decision);
        expect(forgedHeaderNames(inbound, set)).toEqual(forgedOracle(inbound, set));
      }),
      { numRuns: 2000 },
    );
  });

  it('sets the identity headers in the documented order, leaving out what is not known', () => {
    const decision: Decision = {
      allowed: true,
      identity: {
        verified: true,
        profile: 'dpop',
        agentId: 'did:key:z6Mk',
        keyId: 'did:key:z6Mk#z6Mk',
        workload: 'spiffe://cluster.local/ns/shop/sa/web',
        trust: 'known',
        owner: 'team-a',
        unchecked: ['replay', 'history'],
      },
      wouldDeny: 'rate_limited',
    };
    expect(identityHeaders(decision)).toEqual([
      ['x-agent-verified', 'true'],
      ['x-agent-profile', 'dpop'],
      ['x-agent-id', 'did:key:z6Mk'],
      ['x-agent-key-id', 'did:key:z6Mk#z6Mk'],
      ['x-agent-workload', 'spiffe://cluster.local/ns/shop/sa/web'],
      ['x-agent-trust', 'known'],
      ['x-agent-owner', 'team-a'],
      ['x-agent-unchecked', 'replay,history'],
      ['x-agent-decision', 'would-deny; reason=rate_limited'],
    ]);
  });
});
