import { createHash } from 'node:crypto';

/**
 * The one place that decides what never reaches a log line: both the operational log and the
 * decision log censor these paths. Callers already log identifiers and reason codes only; this
 * is the second line of defence should a request, header map or error detail slip in.
 */
export const REDACT = {
  paths: [
    'authorization',
    'signature',
    'dpop',
    'token',
    'proof',
    'privateKey',
    'key',
    'jwk',
    '*.authorization',
    '*.signature',
    '*.dpop',
    '*.token',
    '*.proof',
    '*.privateKey',
    '*.key',
    '*.jwk',
    'headers.authorization',
    'headers.signature',
    'headers["signature-input"]',
    'headers.dpop',
  ],
  censor: '[redacted]',
};

/** Names a secret without revealing it: the first 12 hex digits of its SHA-256. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
