import type { AuditEntry } from '../telemetry/decision-log.js';
import type { AdminDeps, AdminHandler, AdminRequest } from './admin-deps.js';
import type { AdminReply } from './admin-reply.js';
import { checkAdminToken } from './check-admin-token.js';

/** What a mutation did to its target, and the reply to send. */
export interface MutationResult {
  readonly target: string;
  readonly changed: boolean;
  readonly reply: AdminReply;
}

/**
 * A state-changing route: the admin token is checked first, and every attempt — refused,
 * applied or without effect — is written to the decision log as an audit line.
 */
export function mutation(
  action: AuditEntry['action'],
  apply: (deps: AdminDeps, request: AdminRequest) => Promise<MutationResult>,
  target: (request: AdminRequest) => string,
): AdminHandler {
  return async (deps, request) => {
    const grant = checkAdminToken(request.request, deps.token);
    if (!grant.allowed) {
      deps.audit({ actor: grant.actor, action, target: target(request), outcome: 'refused' });
      return grant.reply;
    }
    const result = await apply(deps, request);
    deps.audit({
      actor: grant.actor,
      action,
      target: result.target,
      outcome: result.changed ? 'done' : 'no_change',
    });
    return result.reply;
  };
}
