import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../../test/support/envoy-check-request.js';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { toAuthzRequest } from '../transport/grpc/to-authz-request.js';
import { runCheckInSpan } from './check-span.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const ENVOY_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';

function checkRequest(headers: Record<string, string> = {}): AuthzRequest {
  const message = envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/', headers });
  return toAuthzRequest(message as never);
}

const wouldDeny: Decision = {
  allowed: true,
  identity: { verified: false, profile: 'unsigned', zone: 'beta' },
  wouldDeny: 'credential_missing',
};

describe('runCheckInSpan', () => {
  it('continues the trace a plain call-header getter carries, and hands the engine its id', async () => {
    const callHeaders = new Map([['traceparent', `00-${ENVOY_TRACE}-00f067aa0ba902b7-01`]]);
    const request = checkRequest({ traceparent: `00-${CLIENT_TRACE}-b7ad6b7169203331-01` });
    let seen: string | undefined;
    const { traceId } = await runCheckInSpan(
      (name) => callHeaders.get(name),
      request,
      async (_, id) => {
        seen = id;
        return wouldDeny;
      },
    );
    const [span] = exporter.getFinishedSpans();
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect([traceId, seen]).toEqual([ENVOY_TRACE, ENVOY_TRACE]);
  });

  it("falls back to the checked request's traceparent when the call carries none", async () => {
    const request = checkRequest({ traceparent: `00-${CLIENT_TRACE}-b7ad6b7169203331-01` });
    const { traceId } = await runCheckInSpan(
      () => undefined,
      request,
      async () => wouldDeny,
    );
    expect(traceId).toBe(CLIENT_TRACE);
    expect(exporter.getFinishedSpans()[0]!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('labels an observe-mode pass would_deny with its reason, not allow', async () => {
    await runCheckInSpan(
      () => undefined,
      checkRequest(),
      async () => wouldDeny,
    );
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({
      'agent_authz.decision': 'would_deny',
      'agent_authz.reason': 'credential_missing',
      'agent_authz.profile': 'unsigned',
      'agent_authz.zone': 'beta',
    });
  });

  it('makes the engine the active span so stages can open child spans', async () => {
    await runCheckInSpan(
      () => undefined,
      checkRequest(),
      async () => {
        expect(trace.getActiveSpan()?.isRecording()).toBe(true);
        return wouldDeny;
      },
    );
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});
