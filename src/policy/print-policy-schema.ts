import { policyJsonSchemaText } from './policy-schema.js';

/** `npm run schema`: prints the policy JSON Schema, redirected into schema/policy.schema.json. */
process.stdout.write(policyJsonSchemaText());
