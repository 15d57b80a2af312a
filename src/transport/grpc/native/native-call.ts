import { EventEmitter } from 'node:events';
import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { GrpcCallError, GrpcStatus, statusTrailers } from './grpc-status.js';
import { frameGrpcMessage, GrpcMessageReader } from './read-grpc-messages.js';

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
 * the deadline (`grpc-timeout`), an error, or the client resetting or closing the stream; after
 * that every write is ignored. Emits `cancelled` when the stream closes before the status was
 * sent, `data` per request message and `end` at the client's half-close.
 */
export class NativeCall extends EventEmitter {
  private responded = false;
  private finished = false;
  private trailers: Record<string, string> = OK_TRAILERS;
  private deadline: NodeJS.Timeout | undefined;

  readonly stream: ServerHttp2Stream;
  readonly headers: IncomingHttpHeaders;

  constructor(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    super();
    this.stream = stream;
    this.headers = headers;
    stream.on('wantTrailers', () => {
      if (stream.destroyed) return;
      stream.sendTrailers(this.trailers);
      this.stopReading();
    });
    stream.on('close', () => {
      this.clearDeadline();
      if (this.finished) return;
      this.finished = true;
      this.emit('cancelled');
    });
  }

  /** Whether the call may still write (not finished, stream not closed). */
  get open(): boolean {
    return !this.finished && !this.stream.destroyed;
  }

  /** Ends the call DEADLINE_EXCEEDED after `ms`, unless it has ended by then. */
  setDeadline(ms: number): void {
    this.deadline = setTimeout(
      () => this.fail(GrpcStatus.DEADLINE_EXCEEDED, 'deadline exceeded'),
      ms,
    );
    this.deadline.unref();
  }

  /**
   * Reads the request messages into `data` events and `end`, or fails the call at a framing
   * error (oversize, compressed, cut short).
   */
  readMessages(maxBytes: number): void {
    const reader = new GrpcMessageReader(maxBytes);
    let failed = false;
    this.stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        for (const message of reader.push(chunk)) this.emit('data', message);
      } catch (error) {
        failed = true;
        this.failWith(error);
      }
    });
    this.stream.on('end', () => {
      if (failed || !this.open) return;
      if (reader.partial) this.fail(GrpcStatus.INTERNAL, 'stream ended inside a message');
      else this.emit('end');
    });
  }

  /** One response message of a streaming call (response headers go first, once). */
  write(message: Uint8Array): void {
    if (!this.open) return;
    this.respond();
    this.stream.write(frameGrpcMessage(message));
  }

  /** Ends a call OK with its only response message: headers, one DATA frame, trailers. */
  answer(message: Uint8Array): void {
    this.answerFrame(frameGrpcMessage(message));
  }

  /** `answer` with the message already framed (length prefix in front). */
  answerFrame(frame: Buffer): void {
    if (!this.open) return;
    this.respond();
    this.finish();
    this.stream.end(frame);
  }

  /** Ends the call OK after the messages written. */
  end(): void {
    if (!this.open) return;
    this.respond();
    this.finish();
    this.stream.end();
  }

  /** Ends the call with a non-OK status. */
  fail(code: number, details: string): void {
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
  }

  /**
   * After the status, a client still sending is told to stop (RST_STREAM NO_ERROR, which Node
   * sends once our side is flushed), so the stream does not stay half-open (PROTOCOL-HTTP2.md).
   */
  private stopReading(): void {
    if (!this.stream.readableEnded) this.stream.close(constants.NGHTTP2_NO_ERROR);
  }

  /** A thrown GrpcCallError ends the call with its status; anything else, INTERNAL. */
  failWith(error: unknown): void {
    if (error instanceof GrpcCallError) this.fail(error.code, error.details);
    else this.fail(GrpcStatus.INTERNAL, 'internal error');
  }

  private respond(): void {
    if (this.responded) return;
    this.responded = true;
    this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
  }

  private finish(): void {
    this.finished = true;
    this.clearDeadline();
  }

  private clearDeadline(): void {
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.deadline = undefined;
  }
}
