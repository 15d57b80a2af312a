import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  trace,
} from '@opentelemetry/api';
import type { Decision } from '../decision/decision.js';
import type { HeaderFields } from '../request/authz-request.js';

const tracer = trace.getTracer('agent-authz');

/** Span attribute names; values are identifiers only, never credentials. */
export const SpanAttribute = {
  decision: 'agent_authz.decision',
  reason: 'agent_authz.reason',
  agentId: 'agent_authz.agent_id',
  profile: 'agent_authz.profile',
  zone: 'agent_authz.zone',
  trust: 'agent_authz.trust',
} as const;

const headerFieldsGetter: TextMapGetter<HeaderFields> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key)?.[0],
};

/**
 * A call's own headers as a plain record: grpc-js metadata (`getMap()`), node:http2 stream
 * headers (the native gRPC server) or an HTTP request's headers. Read with OpenTelemetry's
 * default getter, which takes the first of repeated values.
 */
export type CallHeaders = Readonly<Record<string, string | string[] | Buffer | undefined>>;

/**
 * SPEC §7: the span continues Envoy's own ext_authz span (propagated in the gRPC call
 * metadata), else the trace the client started (`traceparent` in the CheckRequest headers).
 */
export function parentContext(callMetadata: CallHeaders, requestHeaders: HeaderFields): Context {
  const fromEnvoy = propagation.extract(ROOT_CONTEXT, callMetadata);
  if (trace.getSpanContext(fromEnvoy) !== undefined) return fromEnvoy;
  return propagation.extract(ROOT_CONTEXT, requestHeaders, headerFieldsGetter);
}

/** Runs one check inside an `ext_authz.check` SERVER span and records its outcome. */
export async function withCheckSpan(
  parent: Context,
  check: (span: Span) => Promise<Decision>,
): Promise<Decision> {
  const span = tracer.startSpan('ext_authz.check', { kind: SpanKind.SERVER }, parent);
  try {
    const decision = await context.with(trace.setSpan(parent, span), () => check(span));
    recordDecision(span, decision);
    return decision;
  } finally {
    span.end();
  }
}

function recordDecision(span: Span, decision: Decision): void {
  if (!span.isRecording()) return;
  const { identity } = decision;
  span.setAttribute(SpanAttribute.decision, decision.allowed ? 'allow' : 'deny');
  span.setAttribute(SpanAttribute.profile, identity.profile);
  if (identity.agentId !== undefined) span.setAttribute(SpanAttribute.agentId, identity.agentId);
  if (identity.zone !== undefined) span.setAttribute(SpanAttribute.zone, identity.zone);
  if (identity.trust !== undefined) span.setAttribute(SpanAttribute.trust, identity.trust);
  const reason = decision.allowed ? decision.wouldDeny : decision.reason;
  if (reason !== undefined) span.setAttribute(SpanAttribute.reason, reason);
  if (!decision.allowed && decision.reason === 'internal_error') {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id a problem body reports: the span's, else the client's, else Envoy's request id. */
export function traceIdFor(span: Span, requestHeaders: HeaderFields, requestId: string): string {
  const spanContext = span.spanContext();
  if (trace.isSpanContextValid(spanContext)) return spanContext.traceId;
  const fromClient = TRACEPARENT.exec(requestHeaders.get('traceparent')?.[0] ?? '')?.[1];
  return fromClient ?? requestId;
}
