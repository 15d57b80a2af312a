import { describe, expect, it } from 'vitest';
import { admin } from '../support/admin-client.js';
import { usePolicyApp } from '../support/policy-app.js';

const GOOD = 'unsigned: allow\n';
const app = usePolicyApp(GOOD);

interface PolicyState {
  version: number;
  loadedAt: string;
  lastError: { message: string; at: string } | null;
  lastRejected: { message: string; at: string } | null;
}

const state = async () =>
  (await admin(app.server.adminPort, 'GET', '/v1/policy')).body as unknown as PolicyState;

describe('GET /v1/policy across a rejected and then a good reload', () => {
  it('shows the rejection as the current state until a good reload clears it, and keeps it as history', async () => {
    const policy = app.server.app.policy;
    expect(await state()).toMatchObject({ version: 1, lastError: null, lastRejected: null });

    app.writePolicy('unsigned: [allow\n');
    expect(policy.reload()).toBe('rejected');
    const rejected = await state();
    expect(rejected.version).toBe(1);
    expect(rejected.lastError).toEqual({ message: expect.any(String), at: expect.any(String) });
    expect(rejected.lastRejected).toEqual(rejected.lastError);
    expect(Date.parse(rejected.lastError!.at)).toBeGreaterThanOrEqual(
      Date.parse(rejected.loadedAt),
    );

    app.writePolicy('unsigned: deny\n');
    expect(policy.reload()).toBe('applied');
    const applied = await state();
    expect(applied.version).toBe(2);
    expect(applied.lastError).toBeNull();
    expect(applied.lastRejected).toEqual(rejected.lastRejected);
    expect(Date.parse(applied.loadedAt)).toBeGreaterThanOrEqual(Date.parse(rejected.lastError!.at));
  });

  it('clears the current rejection when the file is put back to the policy in force', async () => {
    const policy = app.server.app.policy;
    const inForce = 'unsigned: deny\n';
    app.writePolicy('zones: 7\n');
    expect(policy.reload()).toBe('rejected');
    expect((await state()).lastError).not.toBeNull();
    app.writePolicy(inForce);
    expect(policy.reload()).toBe('unchanged');
    const restored = await state();
    expect(restored.lastError).toBeNull();
    expect(restored.lastRejected?.message).toContain('zones');
  });
});
