import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { fingerprint } from '../telemetry/redact.js';
import { type AdminReply, problem } from './admin-reply.js';

/** Who made an allowed mutation (for the audit line), or why it is refused. */
export type MutationGrant =
  | { readonly allowed: true; readonly actor: string }
  | { readonly allowed: false; readonly actor: string; readonly reply: AdminReply };

const DISABLED = problem(
  403,
  'Admin mutations are disabled',
  'Set admin.token in the config file or the AGENT_AUTHZ_ADMIN_TOKEN environment variable ' +
    '(at least 16 characters) and send it as Authorization: Bearer <token>.',
);

const UNAUTHORIZED = problem(
  401,
  'Admin token required',
  'Send the configured admin token as Authorization: Bearer <token>.',
  { 'www-authenticate': 'Bearer realm="agent-authz-admin"' },
);

/**
 * Mutations need `Authorization: Bearer <admin.token>`. Both sides are hashed before the
 * constant-time comparison, so neither the content nor the length of the token leaks through
 * timing. Without a configured token, mutations are refused outright.
 */
export function checkAdminToken(request: IncomingMessage, configured: string): MutationGrant {
  const header = request.headers.authorization ?? '';
  const presented = /^Bearer +(\S+)$/i.exec(header)?.[1];
  const actor = presented === undefined ? 'anonymous' : `token:${fingerprint(presented)}`;
  if (configured === '') return { allowed: false, actor, reply: DISABLED };
  if (presented === undefined || !sameSecret(presented, configured)) {
    return { allowed: false, actor, reply: UNAUTHORIZED };
  }
  return { allowed: true, actor };
}

function sameSecret(presented: string, configured: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(configured));
}
