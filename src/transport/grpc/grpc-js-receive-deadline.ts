import { constants, type ServerHttp2Stream } from 'node:http2';
import {
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';

/**
 * A grpc-js server interceptor: ends a call DEADLINE_EXCEEDED unless its whole request,
 * half-close included, arrived within `ms` — grpc-js itself waits as long as `grpc-timeout`
 * says, or forever without one. Once a call has its status, a client still sending is told to
 * stop (RST_STREAM NO_ERROR, PROTOCOL-HTTP2.md): grpc-js would keep reading and the stream
 * would hold its place among the connection's concurrent streams until the client half-closed.
 * Must be the first interceptor, so that it wraps grpc-js's own call, which holds the stream.
 */
export function receiveDeadline(ms: number): ServerInterceptor {
  return (_method, call) => {
    let timer: NodeJS.Timeout | undefined;
    const received = () => clearTimeout(timer);
    const stream = streamOf(call);
    const stopReading = () => {
      if (stream !== undefined && !stream.readableEnded && !stream.destroyed) {
        stream.close(constants.NGHTTP2_NO_ERROR);
      }
    };
    const expire = () => {
      call.sendStatus({ code: status.DEADLINE_EXCEEDED, details: 'request not received in time' });
      stopReading();
    };
    return new ServerInterceptingCall(call, {
      start: (next) => {
        timer = setTimeout(expire, ms);
        timer.unref();
        next({
          onReceiveHalfClose: (halfClosed) => {
            received();
            halfClosed();
          },
          onCancel: received,
        });
      },
      sendStatus: (callStatus, send) => {
        received();
        send(callStatus);
        stopReading();
      },
    });
  };
}

/**
 * The HTTP/2 stream of grpc-js's own call object: a private field (`stream`, grpc-js 1.14);
 * undefined if it is not there, and then only the early reset is lost
 * (test/grpc/grpc-js-server-bounds.test.ts notices).
 */
function streamOf(call: ServerInterceptingCallInterface): ServerHttp2Stream | undefined {
  const stream = (call as { stream?: Partial<ServerHttp2Stream> }).stream;
  return typeof stream?.close === 'function' && 'readableEnded' in stream
    ? (stream as ServerHttp2Stream)
    : undefined;
}
