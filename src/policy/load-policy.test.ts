import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../agent/index.js';
import { ConfigError } from '../errors.js';
import { findAgentRule } from './find-agent-rule.js';
import { DEFAULT_POLICY, parsePolicy } from './load-policy.js';

function errorOf(text: string): string {
  try {
    parsePolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the policy was accepted');
}

describe('parsePolicy', () => {
  it('gives the default policy of SPEC §5 for {}', () => {
    const policy = parsePolicy('{}\n');
    expect(policy).toMatchObject({ mode: 'enforce', unsigned: 'allow', zones: [] });
    expect(DEFAULT_POLICY).toMatchObject({ mode: 'enforce', unsigned: 'allow', zones: [] });
  });

  it.each([
    ['an empty file', ''],
    ['a whitespace-only file', '  \n\t\n'],
    ['a comment-only file', '# all rules removed\n'],
    ['a null document', 'null\n'],
    ['a ~ document', '---\n~\n'],
  ])('refuses %s rather than reading it as the default policy', (_name, text) => {
    expect(errorOf(text)).toContain('policy.yaml: the policy file is empty');
  });

  it('compiles rate limits, expiry dates and zone defaults', () => {
    const policy = parsePolicy(
      'mode: observe\nzones:\n  - name: z\nagents:\n  - { id: a, rateLimit: 100/min, expires: 2027-06-30 }\n',
    );
    const rule = policy.exactAgents.get('a')!;
    expect(rule.rateLimit).toEqual({ limit: 100, windowMs: 60_000 });
    // Valid through the whole of that day (UTC).
    expect(rule.expiresAtMs).toBe(Date.parse('2027-07-01T00:00:00Z'));
    expect(policy.zones[0]).toMatchObject({
      mode: 'observe',
      unsigned: 'allow',
      minTrust: 'new',
      unknownAgents: 'allow',
    });
  });

  it('keeps exact ids in a map and patterns in file order', () => {
    const policy = parsePolicy(
      'agents:\n  - { id: "did:web:*.example.com", owner: first }\n  - { id: "did:web:*", owner: second }\n  - { id: "did:web:a.example.com", owner: exact }\n',
    );
    expect(policy.exactAgents.size).toBe(1);
    expect(policy.patternAgents).toHaveLength(2);
    expect(findAgentRule(policy, 'did:web:a.example.com')?.owner).toBe('exact');
    expect(findAgentRule(policy, 'did:web:b.example.com')?.owner).toBe('first');
    expect(findAgentRule(policy, 'did:web:other.org')?.owner).toBe('second');
    expect(findAgentRule(policy, 'did:key:z6Mk')).toBeUndefined();
  });

  it('refuses the same key listed as did:key and as did:jwk', () => {
    const key = generateAgentKey();
    expect(errorOf(`agents:\n  - id: ${key.didKey}\n  - id: ${key.didJwk}\n`)).toContain(
      'agents.1.id: duplicate agent id',
    );
  });

  it('refuses a did:jwk pattern, which no canonical id could match, pointing to did:key', () => {
    expect(errorOf('agents:\n  - { id: "did:jwk:*", zones: [] }\n')).toContain(
      'agents.0.id: a did:jwk is matched as the did:key of its key',
    );
  });

  it.each([
    [
      'agents:\n  - { id: a, rateLimit: lots }\n',
      'policy.yaml:2:25: agents.0.rateLimit: expected a rate such as 10/s',
    ],
    [
      'agents:\n  - { id: a, expires: soon }\n',
      'policy.yaml:2:23: agents.0.expires: expected a date',
    ],
    ['zones:\n  - name: a\n  - name: a\n', 'policy.yaml:3:11: zones.1.name: duplicate zone name'],
    ['agents:\n  - id: a\n  - id: a\n', 'policy.yaml:3:9: agents.1.id: duplicate agent id'],
    ['zones:\n  - name: a\n    colour: red\n', 'policy.yaml:3:5: zones.0.colour: unknown field'],
    [
      'zones:\n  - name: a\n    signedHeaders: [Agent-Purpose]\n',
      'zones.0.signedHeaders.0: expected a lower-case header field name',
    ],
    ['mode: [\n', 'policy.yaml:'],
  ])('rejects %j naming the field and line', (text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });
});
