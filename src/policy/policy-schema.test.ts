import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyJsonSchemaText } from './policy-schema.js';

describe('the published policy JSON Schema', () => {
  it('matches the schema generated from src/policy/policy-schema.ts', () => {
    const committed = readFileSync(
      new URL('../../schema/policy.schema.json', import.meta.url),
      'utf8',
    );
    expect(committed, 'schema/policy.schema.json is out of date: run `npm run schema`').toBe(
      policyJsonSchemaText(),
    );
  });
});
