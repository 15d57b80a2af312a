import { describe, expect, it } from 'vitest';
import { type AgentKey, generateAgentKey } from '../../src/agent/index.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

const quarantined = generateAgentKey();
const guarded = generateAgentKey();
const app = usePolicyApp(`
zones:
  - name: vault
    match: { paths: ["/vault/*"] }
    scopes: [vault:read]
  - name: public
    match: { paths: ["/*"] }
agents:
  - { id: ${quarantined.didKey}, bindWorkload: first-use, onDrift: quarantine }
  - { id: ${guarded.didKey}, bindWorkload: first-use, onDrift: quarantine }
`);

const HOME = 'spiffe://cluster.local/ns/billing/sa/api';
const FOREIGN = 'spiffe://cluster.local/ns/shop/sa/web';
const seconds = () => Math.floor(app.server.now / 1000);
const reasonOf = (response: UpstreamCheckResponse) =>
  response.ok_response ? 'allowed' : problem(response).reason;

function signed(key: AgentKey, path: string, principal: string) {
  return signedCheck(
    { method: 'GET', url: `https://api.example.com${path}`, principal },
    seconds(),
    { key },
  );
}

const send = (key: AgentKey, path: string, principal: string) =>
  app.server.client.check(signed(key, path, principal).request());

describe("a pinned agent's verified credential from another workload", () => {
  it('records the drift and quarantines even when a scope or trust check refuses it', async () => {
    expect(reasonOf(await send(quarantined, '/catalog', HOME))).toBe('allowed');
    expect(reasonOf(await send(quarantined, '/vault/1', FOREIGN))).toBe('scope_insufficient');
    const history = await app.server.app.store.history.get(quarantined.didKey);
    expect(history).toMatchObject({ quarantined: true, pinnedWorkload: HOME });
    expect(history?.driftEvents).toEqual([expect.objectContaining({ from: HOME, to: FOREIGN })]);
    expect(reasonOf(await send(quarantined, '/catalog', HOME))).toBe('workload_drift');
  });
});

describe('what cannot record a drift', () => {
  it('a signature that does not verify, or a replay of one already used, from another workload', async () => {
    expect(reasonOf(await send(guarded, '/catalog', HOME))).toBe('allowed');
    const tampered = signed(guarded, '/catalog', FOREIGN).request({ method: 'POST' });
    expect(reasonOf(await app.server.client.check(tampered))).toBe('signature_invalid');
    const allowed = signed(guarded, '/catalog', HOME);
    expect(reasonOf(await app.server.client.check(allowed.request()))).toBe('allowed');
    const replayed = allowed.request({ principal: FOREIGN });
    expect(reasonOf(await app.server.client.check(replayed))).toBe('replayed');
    const history = await app.server.app.store.history.get(guarded.didKey);
    expect(history).toMatchObject({ quarantined: false, driftEvents: [] });
  });
});
