import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText, configLeaves } from './config-sources.js';

const PUBLISHED = new URL('../../schema/config.schema.json', import.meta.url);

describe('the published config JSON Schema', () => {
  it('matches the schema generated from src/config/config-schema.ts', () => {
    const committed = readFileSync(PUBLISHED, 'utf8');
    expect(
      committed,
      'schema/config.schema.json is out of date: run `npm run schema` and commit the result',
    ).toBe(configJsonSchemaText());
  });

  it('rejects unknown keys at every level', () => {
    const objects: Record<string, unknown>[] = [];
    const collect = (node: Record<string, unknown>): void => {
      if (node.type !== 'object') return;
      objects.push(node);
      for (const child of Object.values(node.properties as Record<string, never>)) collect(child);
    };
    collect(configJsonSchema());
    expect(objects.length).toBeGreaterThan(1);
    for (const object of objects) expect(object.additionalProperties).toBe(false);
  });

  it('gives every settable field an environment variable and a flag', () => {
    const leaves = configLeaves();
    expect(leaves.map((leaf) => leaf.envName)).toContain('AGENT_AUTHZ_SIGNATURES_MAX_AGE');
    expect(leaves.map((leaf) => leaf.flagName)).toContain('--store.memory.max-entries');
    for (const leaf of leaves) {
      expect(leaf.envName).toMatch(/^AGENT_AUTHZ_[A-Z0-9_]+$/);
      expect(leaf.flagName).toMatch(/^--[a-z0-9.-]+$/);
    }
  });
});
