import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * `limits`: what one check may cost, and how many may run at once (docs/limits.md). Each bound
 * is checked before the work it protects, and refusing is always a denial with a reason code.
 */
export function limitsSchema() {
  return z
    .strictObject({
      maxInFlight: z
        .int()
        .positive()
        .max(100_000)
        .prefault(1024)
        .describe(
          'checks running at once in this process; one more is denied `overloaded` (503, Retry-After) at once, never queued',
        ),
      checkTimeout: durationSchema
        .refine((ms) => ms >= 10, 'at least 10ms')
        .prefault('140ms')
        .describe(
          'longest a check may take; then it is denied `deadline_exceeded` (503) — keep it below Envoy’s ext_authz timeout and above resolver.maxWait',
        ),
      maxHeaderBytes: z
        .int()
        .positive()
        .max(8_388_608)
        .prefault(65_536)
        .describe(
          'header names and values of one request together, in bytes, counted as they are read; more is denied `headers_too_large`',
        ),
      maxHeaderLines: z
        .int()
        .positive()
        .max(65_536)
        .prefault(1024)
        .describe(
          'header lines of one request (pseudo-headers aside), counted as they are read; more is denied `headers_too_large`',
        ),
      maxFieldBytes: z
        .int()
        .positive()
        .max(1_048_576)
        .prefault(8192)
        .describe(
          'one Signature-Input, Signature, Signature-Agent or Content-Digest field, in characters; more is denied `headers_too_large`',
        ),
      maxTokenBytes: z
        .int()
        .positive()
        .max(1_048_576)
        .prefault(16_384)
        .describe(
          'one access token or DPoP proof, in characters; more is denied `headers_too_large`',
        ),
      maxJsonDepth: z
        .int()
        .positive()
        .max(256)
        .prefault(16)
        .describe(
          'nesting of objects and arrays in a token or DPoP proof header or payload; deeper is denied `credential_malformed`',
        ),
      maxDigestBodyBytes: z
        .int()
        .positive()
        .max(1_073_741_824)
        .prefault(1_048_576)
        .describe(
          'largest body hashed for a covered Content-Digest; larger is denied `body_too_large`',
        ),
    })
    .prefault({});
}

export type Limits = z.output<ReturnType<typeof limitsSchema>>;
