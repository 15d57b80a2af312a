import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

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
