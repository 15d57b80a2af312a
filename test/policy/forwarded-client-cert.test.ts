import { describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { httpCheck, httpProblem, upstreamHeaders } from '../support/envoy-http-client.js';
import { usePolicyApp } from '../support/policy-app.js';
import { signedCheck } from '../support/signed-check.js';

/*
 * HTTP mode trusting x-forwarded-client-cert, behind an Envoy in APPEND_FORWARD mode: the client
 * (an mTLS workload) may send its own XFCC elements and Envoy appends the element it vouches
 * for. The workload a policy entry is bound to must come from that last element only.
 */
const AGENT = generateAgentKey();
const ADMIN_WORKLOAD = 'spiffe://cluster.local/ns/admin/sa/console';
const BILLING_WORKLOAD = 'spiffe://cluster.local/ns/billing/sa/agent';
const app = usePolicyApp(
  `agents:\n  - id: ${AGENT.didKey}\n    workloads: ["spiffe://cluster.local/ns/admin/sa/*"]\n`,
  ['--http.forwarded-client-cert=true'],
);

/** Envoy's own element for the peer it terminated mTLS for (`set_current_client_cert_details: { uri: true }`). */
const appendedBy = (workload: string) =>
  `By=spiffe://cluster.local/ns/api/sa/gateway;Hash=9c4f2a;URI=${workload}`;

function ask(forwardedClientCert: string) {
  const check = signedCheck(
    { method: 'GET', url: 'https://api.example.com/console' },
    Math.floor(app.server.now / 1000),
    { key: AGENT },
  );
  return httpCheck(
    app.server.app.httpPort!,
    { ...check.signed, headers: check.signature },
    { forwardedClientCert },
  );
}

describe('the workload read from x-forwarded-client-cert in HTTP mode', () => {
  it('is the one in the element the proxy appended', async () => {
    const answer = await ask(`URI=spiffe://elsewhere/hop,${appendedBy(ADMIN_WORKLOAD)}`);
    expect(answer.status).toBe(200);
    expect(upstreamHeaders(answer)['x-agent-workload']).toBe(ADMIN_WORKLOAD);
  });

  it('is no workload when a client element leaves a quote open to swallow the proxy element', async () => {
    const smuggled = `URI=${ADMIN_WORKLOAD};X="`;
    const answer = await ask(`${smuggled},${appendedBy(BILLING_WORKLOAD)}`);
    expect(answer.status).toBe(403);
    expect(httpProblem(answer).reason).toBe('workload_mismatch');
  });
});
