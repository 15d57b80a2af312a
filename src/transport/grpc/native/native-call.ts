import { EventEmitter } from 'node:events';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { ByteBudget } from './byte-budget.js';
import { GrpcCallError, GrpcStatus, statusTrailers } from './grpc-status.js';
import { guarded, reportSafely } from './guard.js';
import { frameGrpcMessage } from './read-grpc-messages.js';

const RESPONSE_HEADERS = {
  ':status': 200,
  'content-type': 'application/grpc',
  'grpc-accept-encoding': 'identity',
} as const;

const OK_TRAILERS = statusTrailers(GrpcStatus.OK, '');

/**
 * One gRPC call on one HTTP/2 stream of the native server: reads the request messages, writes
 * response messages and ends the call with a status exactly once — in trailers after a
 * response, or as a trailers-only response before one. Whatever ends first wins: the answer,
 * a deadline, an error, or the client resetting or closing the stream; after that every write
 * is ignored. Emits `cancelled` when the stream closes before the status was sent, and, once
 * `readCallMessages` reads it, `data` per request message and `end` at the client's half-close.
 *
 * Nothing here throws into node:http2: every stream listener and every write is guarded, and a
 * stream may be closed (reset, or its connection gone) before it is destroyed, so each write
 * first asks whether the stream still takes one. An exception from the call's own code resets
 * the stream (RST_STREAM INTERNAL_ERROR) and is reported to `onInternalError`.
 */
export class NativeCall extends EventEmitter {
  private responded = false;
  private finished = false;
  private trailers: Record<string, string> = OK_TRAILERS;
  private deadline: NodeJS.Timeout | undefined;
  private receiving: NodeJS.Timeout | undefined;
  private heldBytes = 0;

  readonly stream: ServerHttp2Stream;
  readonly headers: IncomingHttpHeaders;
  private readonly budget: ByteBudget;
  private readonly onInternalError: (error: unknown) => void;

  /** `budget` is shared by all calls of the server: the request bytes they keep. */
  constructor(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    budget: ByteBudget,
    onInternalError: (error: unknown) => void,
  ) {
    super();
    this.stream = stream;
    this.headers = headers;
    this.budget = budget;
    this.onInternalError = onInternalError;
    stream.on(
      'wantTrailers',
      this.guard(() => {
        if (!this.writable) return;
        stream.sendTrailers(this.trailers);
        this.stopReading();
      }),
    );
    stream.on(
      'close',
      this.guard(() => {
        this.settle();
        if (this.finished) return;
        this.finished = true;
        this.emit('cancelled');
      }),
    );
  }

  /** Whether the call may still write: not finished, and the stream neither closed nor gone. */
  get open(): boolean {
    return !this.finished && this.writable;
  }

  private get writable(): boolean {
    return !this.stream.closed && !this.stream.destroyed;
  }

  /** Ends the call DEADLINE_EXCEEDED after `ms` (`grpc-timeout`), unless it has ended by then. */
  setDeadline(ms: number): void {
    this.deadline = this.timer(ms, 'deadline exceeded');
  }

  /** Ends the call DEADLINE_EXCEEDED unless its whole request, half-close included, came in `ms`. */
  expectRequestWithin(ms: number): void {
    this.receiving = this.timer(ms, 'request not received in time');
  }

  private timer(ms: number, details: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.fail(GrpcStatus.DEADLINE_EXCEEDED, details), ms);
    timer.unref();
    return timer;
  }

  /** `listener` on the stream, guarded: if it throws, the call is reset and the error reported. */
  listen<A extends unknown[]>(event: string, listener: (...args: A) => void): void {
    this.stream.on(event, this.guard(listener));
  }

  /** Counts request bytes the call keeps against the budget; false (nothing counted) if spent. */
  hold(bytes: number): boolean {
    if (!this.budget.take(bytes)) return false;
    this.heldBytes += bytes;
    return true;
  }

  /** Gives back request bytes the call no longer keeps. */
  release(bytes: number): void {
    this.heldBytes -= bytes;
    this.budget.give(bytes);
  }

  /** The whole request has arrived: the receive deadline no longer applies. */
  requestReceived(): void {
    clearTimeout(this.receiving);
  }

  /**
   * One response message of a streaming call (response headers go first, once). A client that
   * does not read its responses is not read from either until it does, so flow control, not
   * this server's memory, holds what it keeps sending.
   */
  write(message: Uint8Array): void {
    this.attempt(() => {
      if (!this.open) return;
      this.respond();
      if (this.stream.write(frameGrpcMessage(message)) || this.stream.isPaused()) return;
      this.stream.pause();
      this.stream.once(
        'drain',
        this.guard(() => this.stream.resume()),
      );
    });
  }

  /** Ends a call OK with its only response message: headers, one DATA frame, trailers. */
  answer(message: Uint8Array): void {
    this.answerFrame(frameGrpcMessage(message));
  }

  /** `answer` with the message already framed (length prefix in front). */
  answerFrame(frame: Buffer): void {
    this.attempt(() => {
      if (!this.open) return;
      this.respond();
      this.finish();
      this.stream.end(frame);
    });
  }

  /** Ends the call OK after the messages written. */
  end(): void {
    this.attempt(() => {
      if (!this.open) return;
      this.respond();
      this.finish();
      this.stream.end();
    });
  }

  /** Ends the call with a non-OK status. */
  fail(code: number, details: string): void {
    this.attempt(() => {
      if (!this.open) return;
      this.finish();
      if (this.responded) {
        this.trailers = statusTrailers(code, details);
        this.stream.end();
        return;
      }
      // Trailers-only: the status rides in the only HEADERS frame, which ends the stream.
      this.stream.respond(
        { ...RESPONSE_HEADERS, ...statusTrailers(code, details) },
        { endStream: true },
      );
      this.stopReading();
    });
  }

  /** A thrown GrpcCallError ends the call with its status; anything else, INTERNAL. */
  failWith(error: unknown): void {
    if (error instanceof GrpcCallError) this.fail(error.code, error.details);
    else this.fail(GrpcStatus.INTERNAL, 'internal error');
  }

  /** Runs `work` for this call; if it throws, the call is reset and the error reported. */
  attempt(work: () => void): void {
    this.guard(work)();
  }

  /**
   * After the status, a client still sending is told to stop (RST_STREAM NO_ERROR, which Node
   * sends once our side is flushed), so the stream does not stay half-open (PROTOCOL-HTTP2.md).
   */
  private stopReading(): void {
    if (!this.stream.readableEnded) this.stream.close(constants.NGHTTP2_NO_ERROR);
  }

  private respond(): void {
    if (this.responded) return;
    this.responded = true;
    this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  }

  private finish(): void {
    this.finished = true;
    this.settle();
  }

  /** The call holds nothing any more: no timer, no request bytes. */
  private settle(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.receiving);
    this.release(this.heldBytes);
  }

  private guard<A extends unknown[]>(listener: (...args: A) => void): (...args: A) => void {
    return guarded(listener, (error) => this.abort(error));
  }

  /** The call's own code threw: reset the stream and report the bug; the process goes on. */
  private abort(error: unknown): void {
    this.finished = true;
    this.settle();
    try {
      if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    } catch {
      this.stream.destroy();
    }
    reportSafely(this.onInternalError, error);
  }
}
