import { readFileSync } from 'node:fs';
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { codec } from '../wire-compat/descriptors.js';
import { envoyCheckRequest } from './envoy-check-request.js';
import { frame } from './raw-grpc-call.js';
import { upstreamExternalAuth } from './upstream-protos.js';

export const CHECK_PATH = '/envoy.service.auth.v3.Authorization/Check';
export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';

/** The request headers of a gRPC call as Envoy's HTTP/2 client sends them. */
export function grpcHeaders(path: string, extra: Record<string, string> = {}) {
  return {
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...extra,
  };
}

/** One framed CheckRequest for an unsigned GET: the server answers it with an ok_response. */
export function unsignedCheckFrame(): Buffer {
  const message = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest').encode(
    envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' }),
  );
  return frame(message);
}

/** An HTTP/2 connection whose errors (the server resetting it, say) are left to the test. */
export function openSession(address: string): ClientHttp2Session {
  const session = connect(`http://${address}`);
  session.on('error', () => {});
  return session;
}

/** A stream on `session` whose errors are left to the test (most end with a reset). */
export function openStream(
  session: ClientHttp2Session,
  path: string,
  extra: Record<string, string> = {},
): ClientHttp2Stream {
  const stream = session.request(grpcHeaders(path, extra));
  stream.on('error', () => {});
  return stream;
}

/**
 * The grpc-status a stream ends with (trailers, or a trailers-only response), `reset` when it
 * closed without one.
 */
export function statusOf(stream: ClientHttp2Stream): Promise<string> {
  return new Promise((resolve) => {
    let status = 'reset';
    stream.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    stream.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    stream.on('close', () => resolve(status));
    stream.resume();
  });
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}
