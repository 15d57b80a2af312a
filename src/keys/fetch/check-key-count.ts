import { FetchFailure } from './fetch-outcomes.js';

/**
 * Refuses a fetched document that lists more than `maxKeys` keys (`resolver.maxKeys`) before
 * its parser reads or imports any of them: the `keys` of a JWKS or key directory, and the
 * verification methods of a DID document, embedded ones under `authentication` and
 * `assertionMethod` included. A body that is not a JSON object is left to the parser to refuse.
 */
export function checkKeyCount(body: Buffer, maxKeys: number): void {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  if (typeof json !== 'object' || json === null) return;
  const document = json as Record<string, unknown>;
  const count =
    lengthOf(document.keys) +
    lengthOf(document.verificationMethod) +
    embedded(document.authentication) +
    embedded(document.assertionMethod);
  if (count > maxKeys) {
    throw new FetchFailure('invalid', `the document lists more than ${maxKeys} keys`);
  }
}

function lengthOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function embedded(value: unknown): number {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'object').length : 0;
}
