import type { ComponentId } from '../credentials/signature-candidate.js';
import { AuthzError } from '../errors.js';

/** `@target-uri` carries authority, path and query; `@request-target` path and query. */
const ALSO_COVERED_BY: Readonly<Record<string, readonly string[]>> = {
  '@authority': ['@target-uri'],
  '@path': ['@target-uri', '@request-target'],
  '@query': ['@target-uri', '@request-target'],
};

/** Denies `components_missing` unless every `required` component is covered. */
export function requireComponents(
  components: readonly ComponentId[],
  required: readonly string[],
): void {
  // A `key` parameter covers one dictionary member, not the whole field.
  const covered = new Set(components.filter((c) => !c.params.has('key')).map((c) => c.name));
  const missing = required.filter(
    (name) => !covered.has(name) && !(ALSO_COVERED_BY[name] ?? []).some((alt) => covered.has(alt)),
  );
  if (missing.length > 0) {
    throw new AuthzError('components_missing', `the signature must cover ${missing.join(', ')}`);
  }
}
