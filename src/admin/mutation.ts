import type { AuditEntry } from '../telemetry/decision-log.js';
import type { AdminDeps, AdminHandler, AdminRequest } from './admin-deps.js';
import type { AdminReply } from './admin-reply.js';
import { checkAdminToken } from './check-admin-token.js';

/**
 * What a mutation aims at: an id, or — for a request that names none usably (a body that is not
 * `{"id": …}`) — the reply to send and what the audit line names instead.
 */
export type MutationTarget =
  | { readonly id: string }
  | { readonly unnamed: string; readonly reply: AdminReply };

/** What a mutation did to its target, and the reply to send. */
export interface MutationResult {
  readonly changed: boolean;
  readonly reply: AdminReply;
}

/**
 * A state-changing route: the admin token is checked first, and every attempt — refused,
 * applied or without effect — is written to the decision log as an audit line naming its
 * target. The target is read before the refusal is sent, so a refused attempt names what it
 * aimed at too.
 */
export function mutation(
  action: AuditEntry['action'],
  target: (request: AdminRequest) => MutationTarget | Promise<MutationTarget>,
  apply: (deps: AdminDeps, id: string) => Promise<MutationResult>,
): AdminHandler {
  return async (deps, request) => {
    const grant = checkAdminToken(request.request, deps.token);
    const aimed = await target(request);
    const named = 'id' in aimed ? aimed.id : aimed.unnamed;
    if (!grant.allowed) {
      deps.audit({ actor: grant.actor, action, target: named, outcome: 'refused' });
      return grant.reply;
    }
    if (!('id' in aimed)) {
      deps.audit({ actor: grant.actor, action, target: named, outcome: 'no_change' });
      return aimed.reply;
    }
    const result = await apply(deps, aimed.id);
    const outcome = result.changed ? 'done' : 'no_change';
    deps.audit({ actor: grant.actor, action, target: aimed.id, outcome });
    return result.reply;
  };
}
