import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../telemetry/redact.js';
import { checkAdminToken } from './check-admin-token.js';

const TOKEN = 'correct-horse-battery-staple';
const withHeader = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('checkAdminToken', () => {
  it('grants the configured bearer token and names it by fingerprint only', () => {
    expect(checkAdminToken(withHeader(`Bearer ${TOKEN}`), TOKEN)).toEqual({
      allowed: true,
      actor: `token:${fingerprint(TOKEN)}`,
    });
  });

  it('refuses a missing, different, prefixed or longer token with 401', () => {
    for (const header of [undefined, 'Bearer nope', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const grant = checkAdminToken(withHeader(header), TOKEN);
      expect(grant.allowed).toBe(false);
      if (!grant.allowed) expect(grant.reply.status).toBe(401);
    }
  });

  it('refuses everything with 403 when no token is configured', () => {
    const grant = checkAdminToken(withHeader('Bearer '), '');
    expect(grant.allowed).toBe(false);
    if (!grant.allowed) expect(grant.reply.status).toBe(403);
  });
});
