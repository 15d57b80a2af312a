import { z } from 'zod';
import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import { findAgentRule } from '../policy/find-agent-rule.js';
import type { AdminDeps, AdminHandler, AdminRequest } from './admin-deps.js';
import { json, problem } from './admin-reply.js';
import { agentView } from './agent-view.js';
import { mutation } from './mutation.js';
import { scanAgents } from './scan-agents.js';

const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).prefault(100),
  after: z.string().min(1).optional(),
  trust: z.enum(['new', 'known', 'trusted']).optional(),
  owner: z.string().min(1).optional(),
  zone: z.string().min(1).optional(),
  quarantined: z
    .enum(['true', 'false'])
    .transform((text) => text === 'true')
    .optional(),
});

/**
 * `GET /v1/agents?limit&after&trust&owner&zone&quarantined`: agents with a recorded history,
 * ordered by id, filters applied before the page is cut. One request examines a bounded number
 * of agents (scanAgents), so a page may hold fewer than `limit` agents, or none, and still
 * carry `next`: the cursor for `after`, absent once the listing has reached the end.
 */
export const listAgents: AdminHandler = async (deps, { url }) => {
  const parsed = listQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    return problem(400, 'Invalid query', z.prettifyError(parsed.error).replaceAll('\n', ' '));
  }
  const { limit, after, ...filter } = parsed.data;
  const scanned = { history: deps.store.history, policy: deps.policy.current(), clock: deps.clock };
  const { agents, next } = await scanAgents(scanned, {
    limit,
    ...(after === undefined ? {} : { after }),
    filter,
  });
  return json(200, next === undefined ? { agents } : { agents, next });
};

/** `GET /v1/agents/{id}`: history, trust, workloads, drift events and quarantine. */
export const getAgent: AdminHandler = async (deps, request) => {
  const id = stateIdOf(request);
  const history = await deps.store.history.get(id);
  const policy = deps.policy.current();
  if (history === undefined && findAgentRule(policy, id, id) === undefined) {
    return problem(404, 'Unknown agent', 'No history and no policy entry for this agent id.');
  }
  return json(200, agentView(policy, id, history, deps.clock()));
};

/** `POST /v1/agents/{id}/release`: lifts a quarantine; the next check is evaluated afresh. */
export const releaseAgent = mutation(
  'release',
  (request) => ({ id: stateIdOf(request) }),
  async (deps: AdminDeps, id: string) => {
    const released = await deps.store.history.release(id);
    const reply = released
      ? json(200, { id, quarantined: false })
      : problem(409, 'Not quarantined', 'This agent is not quarantined; nothing was changed.');
    return { changed: released, reply };
  },
);

/** History is kept under the canonical id, so a did:jwk finds its did:key record. */
function stateIdOf(request: AdminRequest): string {
  return canonicalAgentId(request.params[0]!);
}
