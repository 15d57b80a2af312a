import sonicBoom from 'sonic-boom';
import type { Decision } from '../decision/decision.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { createIsoTimeText } from './iso-time-text.js';
import { auditRecord, decisionFields } from './redact.js';

// sonic-boom is CommonJS: Node sees only its default export, which carries the class.
const { SonicBoom } = sonicBoom;
type SonicBoom = InstanceType<typeof SonicBoom>;

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
  /**
   * `stdout` (beside the operational log), `stderr` (a stream of their own with no file),
   * `off`, or a file path (appended to, created with its directory).
   */
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
 * Lines are written in batches of at least this many characters (UTF-16 code units: about the
 * bytes, which would cost a UTF-8 measure per line to know exactly), or every FLUSH_INTERVAL_MS
 * when fewer arrive: one write per line cost a syscall and a thread-pool hop per check (~13 % of
 * a signed check in the bench), a batch costs one per ~25 lines. The batch is joined here and
 * handed to the stream whole.
 */
const BATCH_CHARS = 8 * 1024;
const FLUSH_INTERVAL_MS = 250;

/**
 * The decision log: JSON lines written asynchronously (sonic-boom, `sync: false`) with a bounded
 * buffer, so a slow, full or closed sink drops lines instead of slowing or failing checks. The
 * sampling decision comes before any object is built: an unsampled allow costs one random draw.
 * Lines hold only the fields redact.ts lets through and are serialised directly (a logger's
 * path-based redaction would cost more than the check it records).
 */
export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  if (options.destination === 'off') return offLog;
  const stream = openStream(options);
  const random = options.random ?? Math.random;
  // Batched here, not by sonic-boom's `minLength`: its write measures the UTF-8 length of the
  // whole pending buffer per line (callgrind: ~55k instructions a check, docs/observability.md).
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const batch = pending.join('');
    const lines = pending.length;
    pending = [];
    pendingChars = 0;
    try {
      writeBytes(stream, Buffer.from(batch));
    } catch {
      // A destroyed stream throws; the check must not notice.
      for (let i = 0; i < lines; i += 1) options.onDrop();
    }
  };
  const timer = setInterval(flush, FLUSH_INTERVAL_MS);
  timer.unref();
  const time = createIsoTimeText();
  const append = (fields: string): void => {
    const line = `{"time":"${time()}",${fields}}\n`;
    pending.push(line);
    pendingChars += line.length;
    if (pendingChars >= BATCH_CHARS) flush();
  };
  return {
    decision(request, decision, traceId, latencyMs) {
      if (decision.allowed && decision.wouldDeny === undefined) {
        if (options.sampleAllowed < 1 && random() >= options.sampleAllowed) return;
      }
      append(decisionFields(request, decision, traceId, latencyMs));
    },
    audit: (entry) => append(JSON.stringify(auditRecord(entry)).slice(1, -1)),
    close: (timeoutMs = 2000) => {
      clearInterval(timer);
      flush();
      return closeStream(stream, timeoutMs);
    },
  };
}

const STANDARD_STREAMS: Readonly<Record<string, number>> = { stdout: 1, stderr: 2 };

/** Built here rather than by `pino.destination`, whose exit hook throws if the sink never opened. */
function openStream(options: DecisionLogOptions): SonicBoom {
  const fd = STANDARD_STREAMS[options.destination];
  const stream = new SonicBoom({
    ...(fd === undefined ? { dest: options.destination, mkdir: true } : { fd }),
    sync: false,
    // Handed bytes: in its text mode sonic-boom measures each write's UTF-8 length twice more
    // and encodes it again after the write (to slice off what was written), per batch.
    contentMode: 'buffer',
    maxLength: MAX_BUFFER_BYTES,
    // Any batch is written at once; a minLength above 0 also makes flush() wait for the sink.
    minLength: 1,
  });
  let reported = false;
  // A dropped batch is counted per line it held.
  stream.on('drop', (batch: Buffer) => {
    for (let at = batch.indexOf('\n'); at !== -1; at = batch.indexOf('\n', at + 1)) {
      options.onDrop();
    }
  });
  stream.on('error', (error: Error) => {
    if (!reported) options.onError(error);
    reported = true;
  });
  return stream;
}

/** In `contentMode: 'buffer'` a SonicBoom writes bytes; its types know only its text mode. */
function writeBytes(stream: SonicBoom, bytes: Buffer): void {
  (stream as unknown as { write(data: Buffer): boolean }).write(bytes);
}

async function closeStream(stream: SonicBoom, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const flushed = new Promise<void>((resolve) => {
    try {
      stream.flush(() => resolve());
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
