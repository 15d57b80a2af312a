import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../../test/support/envoy-check-request.js';
import type { Decision } from '../decision/decision.js';
import { toAuthzRequest } from '../transport/grpc/to-authz-request.js';
import { runCheckInSpan } from './check-span.js';

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const allowed: Decision = { allowed: true, identity: { verified: false, profile: 'unsigned' } };

function checkRequest(headers: Record<string, string> = {}) {
  const message = envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/', headers });
  return toAuthzRequest(message as never);
}

describe('runCheckInSpan with no SDK started', () => {
  it("reports the client's trace id and hands it to the engine, with no active span", async () => {
    const request = checkRequest({ traceparent: `00-${CLIENT_TRACE}-b7ad6b7169203331-01` });
    const callHeaders = new Map([['traceparent', `00-${'1'.repeat(32)}-00f067aa0ba902b7-01`]]);
    let active: unknown = 'not run';
    let seen: string | undefined;
    const { decision, traceId } = await runCheckInSpan(
      (name) => callHeaders.get(name),
      request,
      async (_, id) => {
        active = trace.getActiveSpan();
        seen = id;
        return allowed;
      },
    );
    expect([traceId, seen, active, decision]).toEqual([
      CLIENT_TRACE,
      CLIENT_TRACE,
      undefined,
      allowed,
    ]);
  });

  it("reports Envoy's request id when the client sent no traceparent", async () => {
    const request = checkRequest();
    const { traceId } = await runCheckInSpan(
      () => undefined,
      request,
      async () => allowed,
    );
    expect(traceId).toBe(request.requestId);
  });
});
