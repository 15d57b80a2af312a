import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';

const exporter = new InMemorySpanExporter();
let server: TestApp;

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  server = await startTestApp();
});
afterAll(async () => {
  await server.stop();
  trace.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const ENVOY_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('the ext_authz.check span', () => {
  it('is one SERVER span per check carrying decision, profile and agent id', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    await server.client.check(check.request());
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.name).toBe('ext_authz.check');
    expect(spans[0]!.kind).toBe(SpanKind.SERVER);
    expect(spans[0]!.attributes).toEqual({
      'agent_authz.decision': 'allow',
      'agent_authz.profile': 'signed-request',
      'agent_authz.agent_id': check.key.didKey,
    });
  });

  it('records the reason of a denial and never the signature', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000) - 3600,
    );
    await server.client.check(check.request());
    const [span] = exporter.getFinishedSpans();
    expect(span!.attributes).toMatchObject({
      'agent_authz.decision': 'deny',
      'agent_authz.reason': 'expired',
    });
    expect(JSON.stringify(span!.attributes)).not.toContain(check.signature.signature!.slice(6, 40));
  });

  it("continues Envoy's span propagated in the gRPC call metadata", async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: { traceparent: `00-${CLIENT_TRACE}-b7ad6b7169203331-01` },
    });
    await server.client.check(request, { traceparent: `00-${ENVOY_TRACE}-00f067aa0ba902b7-01` });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe(ENVOY_TRACE);
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it("falls back to the client's traceparent from the request headers, and reports it in a denial", async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: {
        traceparent: `00-${CLIENT_TRACE}-b7ad6b7169203331-01`,
        'signature-input': 'x',
        signature: 'y',
      },
    });
    const response = await server.client.check(request);
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(problem(response).trace_id).toBe(CLIENT_TRACE);
  });
});
