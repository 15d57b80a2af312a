import type { TtlBounds } from '../../keys/fetch/cache-freshness.js';
import type { FetchedDocument } from '../../keys/fetch/fetch-https-document.js';
import { FetchFailure } from '../../keys/fetch/fetch-outcomes.js';
import {
  directoryKey,
  parseJson,
  parseKeyDirectory,
  readJwks,
} from '../../keys/parse-key-directory.js';
import {
  type DirectorySigningKey,
  verifyDirectorySignatures,
} from '../../proofs/verify-directory-signature.js';
import { type CheckedKey, type Finding, finding } from './directory-report.js';
import { inspectSignatureLifetime } from './inspect-signature-lifetime.js';
import type { CheckTarget } from './resolve-check-target.js';

/**
 * The directory response signatures, verified as the server verifies them: with the keys the
 * server would take from this body, over the fields and authority of this response. A failing
 * signature makes the server refuse the whole directory, which is said first.
 */
export function inspectResponseSignature(
  target: CheckTarget,
  document: FetchedDocument,
  keys: readonly CheckedKey[],
  options: { nowMs: number; clockSkewMs: number; cacheTtl: TtlBounds },
  findings: Finding[],
): CheckedKey[] {
  try {
    parseKeyDirectory(document, target.url, options);
  } catch (error) {
    if (!(error instanceof FetchFailure)) throw error;
    if (error.message.includes('signature')) {
      findings.push(
        finding(
          'error',
          'directory_refused',
          `the server refuses the whole directory: ${error.message}`,
        ),
      );
    }
  }
  const serverKeys = new Map<string, DirectorySigningKey>();
  try {
    for (const jwk of readJwks(parseJson(document.body))) {
      const entry = directoryKey(jwk, target.kind === 'directory');
      if (entry !== null) serverKeys.set(entry.thumbprint, entry.key);
    }
  } catch {
    return [...keys];
  }
  const result = verifyDirectorySignatures(
    {
      authority: document.authority ?? target.url.host,
      headers: document.signatureFields ?? new Map(),
      body: document.body,
    },
    serverKeys,
    options,
  );
  for (const problem of result.problems) {
    findings.push(finding('error', 'response_signature_invalid', `directory response ${problem}`));
  }
  const checked = keys.map((key) => ({
    ...key,
    signedResponse: key.thumbprint !== undefined && result.signedUntil.has(key.thumbprint),
  }));
  if (!result.signed) {
    findings.push(
      finding(
        'note',
        'response_unsigned',
        `the response carries no directory signature: verifiers attribute these keys to ${target.url.origin} on the strength of TLS alone, and a policy with requireSignedDirectory refuses them (agent-authz directory serve --sign shows the headers)`,
      ),
    );
    return checked;
  }
  for (const key of checked) {
    if (key.usable && !key.signedResponse) {
      findings.push(
        finding(
          'warning',
          'key_not_signing',
          `key ${key.thumbprint} does not sign the response: each key should, so the directory proves possession of it`,
        ),
      );
    }
  }
  if (result.signedUntil.size > 0) {
    findings.push(
      finding(
        'note',
        'response_signed',
        `the response is signed by ${[...result.signedUntil.keys()].join(', ')}`,
      ),
    );
  }
  const headers = document.headers ?? {};
  findings.push(
    ...inspectSignatureLifetime(headers, result.signedUntil, options.nowMs, options.cacheTtl),
  );
  return checked;
}
