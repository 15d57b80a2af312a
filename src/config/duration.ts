import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h)$/;
/** The longest delay a Node timer honours. */
const MAX_DURATION_MS = 2 ** 31 - 1;

/** A duration in milliseconds; config fields of this type are written `300s`, `5m`, `1h`. */
export type DurationMs = number & { readonly __unit: 'ms' };

export function parseDuration(text: string): DurationMs | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  return (Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]) as DurationMs;
}

/** A zod type accepting `300s`-style strings and producing milliseconds. */
export const durationSchema = z
  .string()
  // abort: text that is not a duration gets that one message, not also "too long".
  .regex(DURATION, { message: 'expected a duration such as 300ms, 30s, 5m or 1h', abort: true })
  // Node timers fire at once beyond 2^31-1 ms, and enough digits overflow to Infinity.
  .refine(
    (text) => parseDuration(text)! <= MAX_DURATION_MS,
    'duration is too long (at most 24 days)',
  )
  .transform((text) => parseDuration(text)!);
