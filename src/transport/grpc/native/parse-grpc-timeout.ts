import { GrpcCallError, GrpcStatus } from './grpc-status.js';

const UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/**
 * The longest deadline honoured: 2^31 − 1 ms (about 24.8 days), the longest delay a Node timer
 * keeps; beyond it a timer fires after 1 ms. Eight digits of hours reach 11 400 years.
 */
export const MAX_GRPC_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * `grpc-timeout` (PROTOCOL-HTTP2.md: at most 8 digits and a unit H M S m u n) → milliseconds,
 * at most MAX_GRPC_TIMEOUT_MS, or undefined when the caller set no deadline. A malformed value
 * ends the call INTERNAL, as grpc-go does.
 */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? /^(\d{1,8})([HMSmun])$/.exec(value) : null;
  if (match === null) throw new GrpcCallError(GrpcStatus.INTERNAL, 'malformed grpc-timeout');
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  return Math.min(ms, MAX_GRPC_TIMEOUT_MS);
}
