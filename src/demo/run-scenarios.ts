import { agentFetch } from '../agent/agent-fetch.js';
import { createDpopProof } from '../agent/create-dpop-proof.js';
import { mintToken } from '../agent/mint-token.js';
import { signRequest } from '../agent/sign-request.js';
import { DEMO_AUDIENCE, type DemoIdentities } from './demo-identities.js';

export interface ScenarioResult {
  readonly scenario: string;
  readonly expected: string;
  /** What happened: the status and the agent id / reason seen. */
  readonly got: string;
  readonly ok: boolean;
}

interface Outcome {
  readonly status: number;
  /** The agent id the upstream saw, or the denial reason. */
  readonly detail: string;
}

interface Scenario {
  readonly name: string;
  readonly expected: Outcome;
  run(base: string, ids: DemoIdentities): Promise<Outcome>;
}

/**
 * What the demo shows, in order: a good agent, a replayed request, a stolen token used from
 * another workload, a revoked agent, a zone violation, and an unsigned human request that is
 * tagged rather than blocked. The upstream is an echo service that returns the headers it got.
 */
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'good agent (signed request)',
    expected: { status: 200, detail: 'billing' },
    run: (base, ids) => outcome(agentFetch({ key: ids.billing })(`${base}/payments/invoices`), ids),
  },
  {
    name: 'good agent (DPoP-bound token)',
    expected: { status: 200, detail: 'billing' },
    run: (base, ids) =>
      outcome(
        agentFetch({ key: ids.billing, token: billingToken(ids) })(`${base}/payments/refunds`),
        ids,
      ),
  },
  {
    name: 'replayed request',
    expected: { status: 401, detail: 'replayed' },
    run: async (base, ids) => {
      const url = `${base}/payments/invoices`;
      const headers = signRequest({ method: 'GET', url, key: ids.billing });
      await fetch(url, { headers });
      return outcome(fetch(url, { headers }), ids);
    },
  },
  {
    name: 'token stolen, used from another workload',
    expected: { status: 401, detail: 'binding_mismatch' },
    run: (base, ids) => {
      const url = `${base}/payments/invoices`;
      const token = billingToken(ids);
      const proof = createDpopProof({
        privateJwk: ids.thief.privateJwk,
        method: 'GET',
        url,
        accessToken: token,
      });
      return outcome(fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } }), ids);
    },
  },
  {
    name: 'revoked agent',
    expected: { status: 403, detail: 'agent_revoked' },
    run: (base, ids) => outcome(agentFetch({ key: ids.revoked })(`${base}/catalog`), ids),
  },
  {
    name: 'zone violation (public agent in payments)',
    expected: { status: 403, detail: 'zone_denied' },
    run: (base, ids) => outcome(agentFetch({ key: ids.intern })(`${base}/payments/invoices`), ids),
  },
  {
    name: 'unsigned human request',
    expected: { status: 200, detail: 'unverified' },
    run: (base, ids) => outcome(fetch(`${base}/catalog`), ids),
  },
];

/** Runs every scenario against `base` (Envoy, or the demo's front) and reports each. */
export async function runScenarios(base: string, ids: DemoIdentities): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    const got = await scenario.run(base, ids).catch((error: unknown) => ({
      status: 0,
      detail: error instanceof Error ? error.message : String(error),
    }));
    results.push({
      scenario: scenario.name,
      expected: describe(scenario.expected),
      got: describe(got),
      ok: got.status === scenario.expected.status && got.detail === scenario.expected.detail,
    });
  }
  return results;
}

function billingToken(ids: DemoIdentities): string {
  return mintToken({
    issuer: ids.issuer,
    subject: ids.billing.didKey,
    audience: DEMO_AUDIENCE,
    bindKey: ids.billing.publicJwk,
  });
}

/** The status, and who the upstream saw (allowed) or the problem's reason (denied). */
async function outcome(pending: Promise<Response>, ids: DemoIdentities): Promise<Outcome> {
  const response = await pending;
  const body = (await response.json().catch(() => ({}))) as {
    reason?: string;
    headers?: Record<string, string>;
  };
  if (response.status !== 200) return { status: response.status, detail: body.reason ?? '?' };
  const agentId = body.headers?.['x-agent-id'];
  const names: Record<string, string> = {
    [ids.billing.didKey]: 'billing',
    [ids.intern.didKey]: 'intern',
  };
  if (agentId === undefined) {
    return {
      status: 200,
      detail: body.headers?.['x-agent-verified'] === 'false' ? 'unverified' : '?',
    };
  }
  return { status: 200, detail: names[agentId] ?? agentId };
}

function describe(outcome: Outcome): string {
  return `${outcome.status} ${outcome.detail}`;
}
