import { configJsonSchemaText } from './config-sources.js';

/** `npm run schema`: prints the config JSON Schema, redirected into schema/config.schema.json. */
process.stdout.write(configJsonSchemaText());
