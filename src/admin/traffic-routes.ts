import { parseDuration } from '../config/duration.js';
import type { AdminHandler } from './admin-deps.js';
import { json, problem } from './admin-reply.js';

const DEFAULT_WINDOW = '1h';
const MIN_WINDOW_MS = 60_000;

/**
 * `GET /v1/traffic?window=15m|1h|6h|24h|…`: per-interval counts of verified, unsigned and
 * denied checks from the in-memory traffic ring (this process only), the denials by reason,
 * and allowed verified checks by trust level.
 */
export const traffic: AdminHandler = async (deps, { url }) => {
  const text = url.searchParams.get('window') ?? DEFAULT_WINDOW;
  const windowMs = parseDuration(text);
  const maxMs = deps.traffic.maxWindowMs;
  if (windowMs === undefined || windowMs < MIN_WINDOW_MS || windowMs > maxMs) {
    return problem(
      400,
      'Invalid window',
      `window is a duration from 1m to ${maxMs / 3_600_000}h, such as 15m, 1h or 24h.`,
    );
  }
  const now = deps.clock();
  const { startMs, intervalMs, ...counts } = deps.traffic.read(windowMs, now);
  return json(200, {
    window: text,
    now: new Date(now).toISOString(),
    start: new Date(startMs).toISOString(),
    intervalSeconds: intervalMs / 1000,
    // The ring is per process: under --workers N each worker counts only what it answered.
    pid: process.pid,
    ...counts,
  });
};

/** `GET /v1/admin`: what this admin API allows, so a client can say so before trying. */
export const adminStatus: AdminHandler = async (deps) =>
  json(200, { mutations: deps.token === '' ? 'disabled' : 'enabled' });
