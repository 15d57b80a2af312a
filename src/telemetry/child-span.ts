import { context, ProxyTracerProvider, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('agent-authz');

/** Whether the active span is recorded, i.e. whether a child span would be kept. */
export function isTracing(): boolean {
  return trace.getActiveSpan()?.isRecording() === true;
}

/**
 * Runs `work` in a child span of the active check span when that span is being recorded (an
 * SDK is started and the trace is sampled); otherwise runs it bare, so with tracing off a
 * stage pays one context lookup and allocates nothing. Errors mark the span; their messages are
 * not recorded (they may describe credentials).
 */
export function inChildSpan<T>(
  name: string,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  return isTracing() ? inRecordedSpan(name, work) : work(undefined);
}

/** `inChildSpan` for a caller that has already seen `isTracing()` say yes. */
export async function inRecordedSpan<T>(
  name: string,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, undefined, context.active());
  try {
    return await work(span);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/** `inChildSpan`'s shape, for a stage that may or may not be traced. */
export type ChildSpanRunner = <T>(
  name: string,
  work: (span: Span | undefined) => Promise<T>,
) => Promise<T>;

/** Runs the work with no span and no context lookup: the stages of a server with no tracer. */
const bare: ChildSpanRunner = (_name, work) => work(undefined);

/**
 * How a stage composed now runs its child spans: `inChildSpan` when a tracer provider is
 * registered (the SDK, or a test's), else bare. Without a provider `isTracing()` can never say
 * yes, and asking costs a few global and context lookups per stage (a store call, a key
 * resolution), so the question is settled once, when the engine is composed.
 */
export function childSpanRunner(): ChildSpanRunner {
  return isTracerRegistered() ? inChildSpan : bare;
}

/** What the API's proxy delegates to while no SDK has registered a provider. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether a tracer provider (the SDK's) is registered, so spans can be recorded at all. */
export function isTracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}
