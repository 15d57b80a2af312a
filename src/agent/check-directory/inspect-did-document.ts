import type { DIDDocument } from 'did-resolver';
import { isAuthzError } from '../../errors.js';
import { jwkThumbprint } from '../../keys/jwk-thumbprint.js';
import { findKnownTestKey } from '../../keys/known-test-keys.js';
import { multikeyToJwk } from '../../keys/multikey.js';
import { parseDidDocument } from '../../keys/parse-did-document.js';
import { DID_ALGORITHMS, importPublicJwk } from '../../keys/verification-key.js';
import { type CheckedKey, type Finding, finding, shown } from './directory-report.js';
import type { KeysInspection } from './inspect-directory-keys.js';

/**
 * A did.json as the server reads it (parse-did-document.ts): its `id` must be the DID, and each
 * verification method an Ed25519 or P-256 key (publicKeyJwk or publicKeyMultibase) that is not
 * a published test key.
 */
export function inspectDidDocument(body: Buffer, did: string): KeysInspection {
  let document: DIDDocument;
  try {
    document = parseDidDocument(body);
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    return { keys: [], findings: [finding('error', 'not_a_did_document', error.message)] };
  }
  const findings: Finding[] = [];
  if (document.id !== did) {
    findings.push(
      finding(
        'error',
        'did_id_mismatch',
        `the document's id is ${shown(document.id)}, not ${did}: the server refuses it`,
      ),
    );
  }
  const keys = (document.verificationMethod ?? []).map((method) => inspectMethod(method, findings));
  if (!keys.some((key) => key.usable)) {
    findings.push(
      finding(
        'error',
        'no_usable_key',
        'no verification method holds a key this server verifies with (Ed25519 or P-256)',
      ),
    );
  }
  return { keys, findings };
}

type Method = NonNullable<DIDDocument['verificationMethod']>[number];

function inspectMethod(method: Method, findings: Finding[]): CheckedKey {
  const kid = method.id;
  const unusable = {
    thumbprint: undefined,
    kid,
    algorithm: undefined,
    usable: false,
    signedResponse: false,
  };
  let jwk: Record<string, unknown> | undefined;
  try {
    jwk =
      method.publicKeyJwk ??
      (method.publicKeyMultibase === undefined
        ? undefined
        : multikeyToJwk(method.publicKeyMultibase));
    if (jwk === undefined) {
      findings.push(
        finding(
          'warning',
          'no_key_material',
          `${shown(kid)} has neither publicKeyJwk nor publicKeyMultibase`,
        ),
      );
      return unusable;
    }
    const { algorithm } = importPublicJwk(jwk, DID_ALGORITHMS);
    const thumbprint = jwkThumbprint(jwk);
    const testKey = thumbprint === undefined ? undefined : findKnownTestKey(thumbprint);
    if (testKey !== undefined) {
      findings.push(
        finding(
          'error',
          'test_key',
          `${shown(kid)} is a published test key (${testKey.source}): anyone can sign with it`,
        ),
      );
    }
    return { thumbprint, kid, algorithm, usable: testKey === undefined, signedResponse: false };
  } catch (error) {
    if (!isAuthzError(error)) throw error;
    findings.push(finding('error', 'weak_or_bad_key', `${shown(kid)}: ${error.message}`));
    return unusable;
  }
}
