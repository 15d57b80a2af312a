/**
 * GCRA (the generic cell rate algorithm) for `limit` requests per `windowMs`, bursting up to
 * `limit`: one request earns `intervalMs`, and a key may run `toleranceMs` ahead of now.
 */
export function gcraParameters(rate: { limit: number; windowMs: number }): {
  intervalMs: number;
  toleranceMs: number;
} {
  const intervalMs = rate.windowMs / rate.limit;
  return { intervalMs, toleranceMs: rate.windowMs - intervalMs };
}
