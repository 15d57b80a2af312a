import type { Http2Session, ServerHttp2Stream } from 'node:http2';
import { guarded, reportSafely } from './guard.js';

/** A connection's open calls, and the timer that closes it while it has none. */
interface SessionState {
  calls: number;
  idle: NodeJS.Timeout | undefined;
}

/**
 * The open connections of the native server and the calls open on each. A connection that has
 * had no open call for `idleTimeoutMs` (whatever else it sends: PINGs, SETTINGS) gets a GOAWAY
 * and closes. RFC 9113 §6.8: a stream the client opened as the GOAWAY crossed it is refused
 * unprocessed, which a client may retry.
 */
export class SessionTracker {
  private readonly sessions = new Map<Http2Session, SessionState>();
  private readonly idleTimeoutMs: number;
  private readonly onInternalError: (error: unknown) => void;

  constructor(idleTimeoutMs: number, onInternalError: (error: unknown) => void) {
    this.idleTimeoutMs = idleTimeoutMs;
    this.onInternalError = onInternalError;
  }

  add(session: Http2Session): void {
    const state: SessionState = { calls: 0, idle: undefined };
    this.sessions.set(session, state);
    session.on('close', () => {
      clearTimeout(state.idle);
      this.sessions.delete(session);
    });
    // A broken connection ends its own streams; it never ends the process.
    session.on('error', () => {});
    this.startIdling(session, state);
  }

  /** Counts a call on its connection until its stream closes. */
  addCall(stream: ServerHttp2Stream): void {
    const session = stream.session;
    const state = session === undefined ? undefined : this.sessions.get(session);
    if (session === undefined || state === undefined) return;
    state.calls += 1;
    clearTimeout(state.idle);
    stream.once(
      'close',
      this.guard(session, () => {
        state.calls -= 1;
        if (state.calls === 0) this.startIdling(session, state);
      }),
    );
  }

  get size(): number {
    return this.sessions.size;
  }

  /** GOAWAY on every connection: calls already started finish, no new stream is accepted. */
  closeAll(): void {
    for (const session of this.sessions.keys()) session.close();
  }

  destroyAll(): void {
    for (const session of this.sessions.keys()) session.destroy();
  }

  private startIdling(session: Http2Session, state: SessionState): void {
    if (this.idleTimeoutMs === 0) return;
    state.idle = setTimeout(
      this.guard(session, () => session.close()),
      this.idleTimeoutMs,
    );
    state.idle.unref();
  }

  /** A listener on a session that cannot throw: on a bug, the connection goes, not the process. */
  private guard<A extends unknown[]>(
    session: Http2Session,
    listener: (...args: A) => void,
  ): (...args: A) => void {
    return guarded(listener, (error) => {
      session.destroy();
      reportSafely(this.onInternalError, error);
    });
  }
}
