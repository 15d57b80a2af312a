import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { signedCheck } from '../support/signed-check.js';
import { startTestApp, type TestApp } from '../support/start-test-app.js';
import { didIssuer, dpopRequest, issuedToken } from '../support/token-check.js';

const exporter = new InMemorySpanExporter();
const issuer = didIssuer();
let server: TestApp;

beforeAll(async () => {
  // As the SDK registers itself: tracer provider, AsyncLocalStorage context, W3C propagator.
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  server = await startTestApp(issuer.flags);
});
afterAll(async () => {
  await server.stop();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const childrenOf = (parent: ReadableSpan) =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);

const checkSpan = () =>
  exporter.getFinishedSpans().find((span) => span.name === 'ext_authz.check')!;

const ENVOY_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('the ext_authz.check span', () => {
  it('is one SERVER span per check carrying decision, profile and agent id', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000),
    );
    await server.client.check(check.request());
    const spans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER);
    expect(spans).toHaveLength(1);
    expect(spans[0]!.name).toBe('ext_authz.check');
    expect(spans[0]!.kind).toBe(SpanKind.SERVER);
    expect(spans[0]!.attributes).toEqual({
      'agent_authz.decision': 'allow',
      'agent_authz.profile': 'signed-request',
      'agent_authz.agent_id': check.key.didKey,
      'agent_authz.trust': 'new',
    });
  });

  it('records the reason of a denial and never the signature', async () => {
    const check = signedCheck(
      { method: 'GET', url: 'https://api.example.com/' },
      Math.floor(server.now / 1000) - 3600,
    );
    await server.client.check(check.request());
    const span = checkSpan();
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
    const span = checkSpan();
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
    const span = checkSpan();
    expect(span!.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(problem(response).trace_id).toBe(CLIENT_TRACE);
  });
});

describe('the child spans of a check', () => {
  it('show key resolution with its cache outcome and each store call', async () => {
    const key = generateAgentKey();
    const names: string[][] = [];
    for (const nonce of ['first-nonce-1', 'second-nonce-2']) {
      exporter.reset();
      const check = signedCheck(
        { method: 'GET', url: 'https://api.example.com/' },
        Math.floor(server.now / 1000),
        { key, nonce },
      );
      await server.client.check(check.request());
      const children = childrenOf(checkSpan());
      names.push(children.map((span) => span.name).sort());
      const resolution = children.find((span) => span.name === 'agent_authz.resolve_key')!;
      expect(resolution.attributes['agent_authz.key.method']).toBe('key');
      expect(resolution.attributes['agent_authz.cache']).toBe(
        nonce.startsWith('first') ? 'miss' : 'hit',
      );
    }
    expect(names[0]).toEqual(
      expect.arrayContaining([
        'agent_authz.resolve_key',
        'agent_authz.store replay.claim',
        'agent_authz.store revocations.any_revoked',
        'agent_authz.store history.get',
        'agent_authz.store history.record_outcome',
      ]),
    );
  });

  it('show token verification, a miss and then a hit from the verified-token cache', async () => {
    const agent = generateAgentKey({ type: 'p256' });
    const nowSeconds = Math.floor(server.now / 1000);
    const token = issuedToken(issuer.key, nowSeconds, { bindKey: agent.publicJwk });
    const outcomes: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      exporter.reset();
      const request = dpopRequest({
        method: 'GET',
        url: `https://api.example.com/orders/${i}`,
        token,
        agent,
        iatSeconds: nowSeconds,
      });
      await server.client.check(request);
      const verify = childrenOf(checkSpan()).find(
        (span) => span.name === 'agent_authz.verify_token',
      );
      outcomes.push(verify?.attributes['agent_authz.cache']);
      expect(
        JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes)),
      ).not.toContain(token.slice(-20));
    }
    expect(outcomes).toEqual(['miss', 'hit']);
  });
});

describe('the trace id of a denial', () => {
  it('is the id of the trace the check span started when nothing was propagated', async () => {
    const request = envoyCheckRequest({
      method: 'GET',
      url: 'https://api.example.com/',
      headers: { 'signature-input': 'x', signature: 'y' },
    });
    const response = await server.client.check(request);
    const traceId = checkSpan().spanContext().traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(problem(response).trace_id).toBe(traceId);
  });
});
