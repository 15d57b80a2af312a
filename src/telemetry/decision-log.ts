import { type Logger, pino } from 'pino';
import { SonicBoom } from 'sonic-boom';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { REDACT } from './redact.js';

/** One admin mutation, as the audit line records it. */
export interface AuditEntry {
  /** `token:<fingerprint>` of the bearer token used, or `anonymous`. */
  readonly actor: string;
  readonly action: 'revoke' | 'unrevoke' | 'release';
  readonly target: string;
  readonly outcome: 'done' | 'no_change' | 'refused';
}

export interface DecisionLog {
  /** Denials (and observe-mode would-denials) always; allowed checks when sampled. */
  decision(request: AuthzRequest, decision: Decision, traceId: string, latencyMs: number): void;
  audit(entry: AuditEntry): void;
  /** Flushes what is buffered, waiting at most `timeoutMs` for a slow sink. */
  close(timeoutMs?: number): Promise<void>;
}

export interface DecisionLogOptions {
  /** `stdout`, `off`, or a file path (appended to, created with its directory). */
  readonly destination: string;
  /** Share of allowed checks written, 0..1. */
  readonly sampleAllowed: number;
  /** Called when a line is dropped because the sink is slow or failing. */
  readonly onDrop: () => void;
  /** Told once when the sink fails (not per line). */
  readonly onError: (error: Error) => void;
  readonly random?: () => number;
}

/** Lines buffered for a slow sink before new ones are dropped (memory stays bounded). */
const MAX_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * The decision log: JSON lines written asynchronously (sonic-boom, `sync: false`) with a bounded
 * buffer, so a slow, full or closed sink drops lines instead of slowing or failing checks. The
 * sampling decision comes before any object is built: an unsampled allow costs one random draw.
 */
export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  if (options.destination === 'off') return offLog;
  const stream = openStream(options);
  const log = pino(
    {
      base: undefined,
      redact: REDACT,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  const random = options.random ?? Math.random;
  const write = (line: object): void => {
    try {
      log.info(line);
    } catch {
      // A destroyed stream throws; the check must not notice.
      options.onDrop();
    }
  };
  return {
    decision(request, decision, traceId, latencyMs) {
      if (decision.allowed && decision.wouldDeny === undefined) {
        if (options.sampleAllowed < 1 && random() >= options.sampleAllowed) return;
      }
      write(decisionLine(request, decision, traceId, latencyMs));
    },
    audit: (entry) => write({ kind: 'audit', ...entry }),
    close: (timeoutMs = 2000) => closeStream(stream, log, timeoutMs),
  };
}

/** The fields of a decision line; every value is an identifier, a code or a number. */
function decisionLine(
  request: AuthzRequest,
  decision: Decision,
  traceId: string,
  latencyMs: number,
): object {
  const { identity } = decision;
  return {
    kind: 'decision',
    trace_id: traceId,
    decision: decisionLabel(decision),
    reason: decision.allowed ? decision.wouldDeny : decision.reason,
    agent_id: identity.agentId,
    verified: identity.verified,
    profile: identity.profile,
    zone: identity.zone,
    trust: identity.trust,
    method: request.method,
    host: request.authority,
    path: request.path,
    source_principal: request.source.principal || undefined,
    latency_ms: Math.round(latencyMs * 1000) / 1000,
  };
}

/** `allow`, `deny`, or `would_deny` (observe mode let a failing request through). */
export function decisionLabel(decision: Decision): 'allow' | 'deny' | 'would_deny' {
  if (!decision.allowed) return 'deny';
  return decision.wouldDeny === undefined ? 'allow' : 'would_deny';
}

/**
 * sonic-boom made here rather than by `pino.destination`, which also registers an exit hook that
 * flushes synchronously — and throws at exit when the sink never opened. `close` flushes instead.
 */
function openStream(options: DecisionLogOptions): SonicBoom {
  const toStdout = options.destination === 'stdout';
  const stream = new SonicBoom({
    ...(toStdout ? { fd: 1 } : { dest: options.destination, mkdir: true }),
    sync: false,
    maxLength: MAX_BUFFER_BYTES,
  });
  let reported = false;
  stream.on('drop', () => options.onDrop());
  stream.on('error', (error: Error) => {
    if (!reported) options.onError(error);
    reported = true;
  });
  return stream;
}

async function closeStream(stream: SonicBoom, log: Logger, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const flushed = new Promise<void>((resolve) => {
    try {
      log.flush(() => resolve());
    } catch {
      resolve();
    }
  });
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([flushed, late]);
  clearTimeout(timer);
  try {
    stream.end();
  } catch {
    // Already closed or never opened: nothing left to flush.
  }
}

const offLog: DecisionLog = {
  decision: () => {},
  audit: () => {},
  close: async () => {},
};
