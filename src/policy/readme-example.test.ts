import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from './load-policy.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("the README's policy example", () => {
  it('is a valid policy with the two agents and three zones it describes', () => {
    const section = readme.slice(readme.indexOf('## Policy'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const policy = parsePolicy(yaml!, 'README.md');
    expect(policy.zones.map((zone) => zone.name)).toEqual(['payments', 'partner-api', 'public']);
    expect(policy.exactAgents.size + policy.patternAgents.length).toBe(2);
  });
});
