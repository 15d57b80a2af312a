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
import type { AuthzRequest, HeaderFields } from '../request/authz-request.js';
import { isTracerRegistered } from './child-span.js';
import { decisionLabel, decisionReason } from './decision-label.js';

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

/**
 * One header of the call that carried the check — gRPC call metadata, or the HTTP request
 * Envoy sent in HTTP mode — by lower-case name; undefined when absent (or binary).
 */
export type CallHeader = (name: string) => string | undefined;

/** The engine a transport runs; `traceId` is what the decision log records. */
export type SpannedCheck = (request: AuthzRequest, traceId: string) => Promise<Decision>;

/** A decision and the trace id its denial body reports. */
export interface SpannedDecision {
  readonly decision: Decision;
  readonly traceId: string;
}

/**
 * Runs one check inside an `ext_authz.check` SERVER span and records its outcome on the span.
 * Both transports call this, so parentage, attributes and the reported trace id never differ
 * between gRPC and HTTP mode. With no tracer provider registered (no SDK: the default) there
 * is no span to make and, the API's propagator being a no-op too, no trace to continue: the
 * check runs bare with the client's trace id, which is what the span path would report then,
 * for a fraction of its cost (two propagator and a tracer lookup, a context switch).
 */
export async function runCheckInSpan(
  callHeader: CallHeader,
  request: AuthzRequest,
  check: SpannedCheck,
): Promise<SpannedDecision> {
  if (!isTracerRegistered()) {
    const traceId = clientTraceId(request);
    return { decision: await check(request, traceId), traceId };
  }
  const parent = parentContext(callHeader, request.headers);
  const span = tracer.startSpan('ext_authz.check', { kind: SpanKind.SERVER }, parent);
  try {
    const traceId = traceIdFor(span, request);
    const decision = await context.with(
      trace.setSpan(parent, span),
      check,
      undefined,
      request,
      traceId,
    );
    if (span.isRecording()) recordDecision(span, decision);
    return { decision, traceId };
  } finally {
    span.end();
  }
}

const callHeaderGetter: TextMapGetter<CallHeader> = {
  keys: () => [],
  get: (callHeader, key) => callHeader(key),
};

const headerFieldsGetter: TextMapGetter<HeaderFields> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key)?.[0],
};

/**
 * SPEC §7: the span continues Envoy's own ext_authz span (propagated in the call's metadata or
 * headers), else the trace the client started (`traceparent` in the checked request).
 */
function parentContext(callHeader: CallHeader, requestHeaders: HeaderFields): Context {
  const fromEnvoy = propagation.extract(ROOT_CONTEXT, callHeader, callHeaderGetter);
  if (trace.getSpanContext(fromEnvoy) !== undefined) return fromEnvoy;
  return propagation.extract(ROOT_CONTEXT, requestHeaders, headerFieldsGetter);
}

function recordDecision(span: Span, decision: Decision): void {
  const { identity } = decision;
  span.setAttribute(SpanAttribute.decision, decisionLabel(decision));
  span.setAttribute(SpanAttribute.profile, identity.profile);
  if (identity.agentId !== undefined) span.setAttribute(SpanAttribute.agentId, identity.agentId);
  if (identity.zone !== undefined) span.setAttribute(SpanAttribute.zone, identity.zone);
  if (identity.trust !== undefined) span.setAttribute(SpanAttribute.trust, identity.trust);
  const reason = decisionReason(decision);
  if (reason !== undefined) span.setAttribute(SpanAttribute.reason, reason);
  if (!decision.allowed && decision.reason === 'internal_error') {
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id a problem body reports: the span's, else the client's, else Envoy's request id. */
function traceIdFor(span: Span, request: AuthzRequest): string {
  const spanContext = span.spanContext();
  return trace.isSpanContextValid(spanContext) ? spanContext.traceId : clientTraceId(request);
}

function clientTraceId(request: AuthzRequest): string {
  const fromClient = TRACEPARENT.exec(request.headers.get('traceparent')?.[0] ?? '')?.[1];
  return fromClient ?? request.requestId;
}
