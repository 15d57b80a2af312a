import { connect } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import type { UpstreamCheckResponse } from '../support/envoy-client.js';
import { frame, rawGrpcCall } from '../support/raw-grpc-call.js';
import { useTestApp } from '../support/start-test-app.js';
import { upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec } from '../wire-compat/descriptors.js';

const server = useTestApp(['--grpc.server=native']);
const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const upstreamRequest = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest');
const upstreamResponse = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckResponse');

/** An unsigned GET as Envoy encodes it: tag and pass, so the answer is an ok_response. */
const checkMessage = (): Buffer =>
  upstreamRequest.encode(envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' }));

function okResponse(body: Buffer): UpstreamCheckResponse {
  expect(body.readUInt32BE(1)).toBe(body.length - 5);
  return upstreamResponse.decode(body.subarray(5)) as UpstreamCheckResponse;
}

describe('the native gRPC server reading request messages', () => {
  it('answers a Check whose message is split across DATA frames, the prefix itself too', async () => {
    const whole = frame(checkMessage());
    const chunks = [whole.subarray(0, 2), whole.subarray(2, 9), whole.subarray(9)];
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks });
    expect(answer.headers[':status']).toBe(200);
    expect(answer.headers['content-type']).toBe('application/grpc');
    expect(answer.grpcStatus).toBe(0);
    expect(okResponse(answer.body).ok_response).toBeDefined();
  });

  it('refuses two request messages on the unary Check UNIMPLEMENTED', async () => {
    const two = Buffer.concat([frame(checkMessage()), frame(checkMessage())]);
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks: [two] });
    expect(answer.grpcStatus).toBe(12);
    expect(answer.body.length).toBe(0);
  });

  it('refuses a Check with no request message UNIMPLEMENTED', async () => {
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks: [] });
    expect(answer.grpcStatus).toBe(12);
  });

  it('refuses a compressed message INTERNAL, since only identity was offered', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      chunks: [frame(checkMessage(), 1)],
    });
    expect(answer.grpcStatus).toBe(13);
  });

  it('refuses an unsupported grpc-encoding UNIMPLEMENTED and names the one it accepts', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      headers: { 'grpc-encoding': 'gzip' },
      chunks: [frame(checkMessage())],
    });
    expect(answer.grpcStatus).toBe(12);
    expect(answer.headers['grpc-accept-encoding']).toBe('identity');
  });

  it('refuses a message declared larger than the limit RESOURCE_EXHAUSTED before reading it', async () => {
    const prefix = Buffer.from([0, 0xff, 0, 0, 0]);
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks: [prefix] });
    expect(answer.grpcStatus).toBe(8);
  });

  it('takes by default messages up to the header and digested-body limits plus 64 KiB, and no larger', async () => {
    const largest = 65_536 + 1_048_576 + 65_536;
    const declare = (length: number) => {
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(length, 1);
      return prefix;
    };
    const over = await rawGrpcCall(server.address, { path: CHECK, chunks: [declare(largest + 1)] });
    expect(over.grpcStatus).toBe(8);
    // The largest length is accepted: the stream then ends inside that message.
    const edge = await rawGrpcCall(server.address, { path: CHECK, chunks: [declare(largest)] });
    expect(edge.grpcStatus).toBe(13);
    expect(edge.grpcMessage).toBe('stream ended inside a message');
  });

  it('fails a stream that ends inside a message INTERNAL', async () => {
    const cut = frame(checkMessage()).subarray(0, 20);
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks: [cut] });
    expect(answer.grpcStatus).toBe(13);
  });

  it('fails bytes that are not a CheckRequest INTERNAL', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    const answer = await rawGrpcCall(server.address, { path: CHECK, chunks: [frame(garbage)] });
    expect(answer.grpcStatus).toBe(13);
  });
});

describe('the native gRPC server refusing calls it cannot serve', () => {
  it('answers an unknown method UNIMPLEMENTED in a trailers-only response', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: '/envoy.service.auth.v3.Authorization/Nope',
      chunks: [frame(checkMessage())],
    });
    expect(answer.headers[':status']).toBe(200);
    expect(answer.headers['grpc-status']).toBe('12');
    expect(answer.trailers['grpc-status']).toBeUndefined();
  });

  it('answers a content type that is not gRPC with HTTP 415', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      headers: { 'content-type': 'application/json' },
      chunks: [Buffer.from('{}')],
    });
    expect(answer.headers[':status']).toBe(415);
  });

  it('ends a call whose grpc-timeout passes before the request is complete DEADLINE_EXCEEDED', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      headers: { 'grpc-timeout': '100m' },
      chunks: [frame(checkMessage()).subarray(0, 10)],
      end: false,
    });
    expect(answer.grpcStatus).toBe(4);
    expect(answer.grpcMessage).toBe('deadline exceeded');
  });

  it('keeps a call whose grpc-timeout is beyond the longest Node timer open until it is answered', async () => {
    // 99999999H is 3.6e14 ms: a timer that long would fire after 1 ms instead.
    const whole = frame(checkMessage());
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      headers: { 'grpc-timeout': '99999999H' },
      chunks: [whole.subarray(0, 10), whole.subarray(10)],
      pauseMs: 50,
    });
    expect(answer.grpcMessage).toBeUndefined();
    expect(answer.grpcStatus).toBe(0);
  });

  it('fails a malformed grpc-timeout INTERNAL', async () => {
    const answer = await rawGrpcCall(server.address, {
      path: CHECK,
      headers: { 'grpc-timeout': '1.5S' },
      chunks: [frame(checkMessage())],
    });
    expect(answer.grpcStatus).toBe(13);
  });

  it('keeps serving on a connection after a client resets a stream part-way', async () => {
    const session = connect(`http://${server.address}`);
    session.on('error', () => {});
    const headers = { ':method': 'POST', ':path': CHECK, 'content-type': 'application/grpc' };
    const reset = session.request(headers);
    reset.on('error', () => {});
    reset.write(frame(checkMessage()));
    reset.close(0x8); // CANCEL, before the half-close
    const answered = session.request(headers);
    const body: Buffer[] = [];
    answered.on('data', (chunk: Buffer) => body.push(chunk));
    const trailers = new Promise<Record<string, unknown>>((resolve) =>
      answered.on('trailers', (value) => resolve(value)),
    );
    answered.end(frame(checkMessage()));
    expect((await trailers)['grpc-status']).toBe('0');
    expect(okResponse(Buffer.concat(body)).ok_response).toBeDefined();
    session.close();
  });
});
