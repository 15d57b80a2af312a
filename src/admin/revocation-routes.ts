import { z } from 'zod';
import { revoke, unrevoke } from '../policy/revocation-ids.js';
import type { AdminHandler } from './admin-deps.js';
import { BodyError, json, problem, readJsonBody } from './admin-reply.js';
import { type MutationTarget, mutation } from './mutation.js';

const revocationBody = z.strictObject({
  id: z.string().min(1).max(4096).describe('an agent id, key id or token id (jti)'),
});

/** `GET /v1/revocations`: ids revoked through the API (the policy file lists its own). */
export const listRevocations: AdminHandler = async (deps) =>
  json(200, { revoked: await deps.store.revocations.list() });

/** `POST /v1/revocations` `{"id": "…"}`: the next check presenting that id is denied. */
export const createRevocation = mutation(
  'revoke',
  async ({ request }): Promise<MutationTarget> => {
    try {
      return { id: revocationBody.parse(await readJsonBody(request)).id };
    } catch (error) {
      const detail =
        error instanceof BodyError ? error.message : 'Expected {"id": "<agent, key or token id>"}.';
      return {
        unnamed: '(no id: invalid body)',
        reply: problem(400, 'Invalid revocation', detail),
      };
    }
  },
  async (deps, id) => {
    await revoke(deps.store.revocations, id);
    return { changed: true, reply: json(201, { id, revoked: true }) };
  },
);

/** `DELETE /v1/revocations/{id}`: lifts a revocation made through the API. */
export const deleteRevocation = mutation(
  'unrevoke',
  ({ params }) => ({ id: params[0]! }),
  async (deps, id) => {
    const removed = await unrevoke(deps.store.revocations, id);
    const reply = removed
      ? { status: 204 }
      : problem(404, 'Not revoked', 'Nothing was revoked under this id through the API.');
    return { changed: removed, reply };
  },
);
