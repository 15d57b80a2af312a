import { describe, expect, it } from 'vitest';
import { CHECK_REQUEST_BOMBS } from '../support/check-request-bombs.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { measureEventLoopStall } from '../support/measure-event-loop-stall.js';
import { frame, rawGrpcCall } from '../support/raw-grpc-call.js';
import { useTestApp } from '../support/start-test-app.js';
import { upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec } from '../wire-compat/descriptors.js';

/*
 * A CheckRequest of 1 MiB — below the message bound of both gRPC servers — made of hundreds of
 * thousands of parts a few bytes each, sent over real gRPC to an in-process server. The decoder
 * counts what it builds while it decodes, so each is refused `headers_too_large` after a bounded
 * amount of work: the answer comes at once and the event loop, which every other check shares,
 * is never held for long.
 */
const BOMB_BYTES = 1 << 20;
const MAX_STALL_MS = 50;
const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const upstreamRequest = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest');
const upstreamResponse = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckResponse');
const ordinary = frame(
  upstreamRequest.encode(envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' })),
);

describe.each(['native', 'grpc-js'])('on the %s gRPC server, a 1 MiB CheckRequest', (server) => {
  const testApp = useTestApp([`--grpc.server=${server}`]);

  it.each(CHECK_REQUEST_BOMBS)(
    'of %s is denied headers_too_large at once, without stalling the event loop',
    async (_name, build) => {
      const bomb = frame(build(BOMB_BYTES));
      expect(bomb.length).toBeGreaterThan(BOMB_BYTES);
      // The first check of a server compiles its path; that is not what is measured.
      await rawGrpcCall(testApp.address, { path: CHECK, chunks: [ordinary] });
      const started = performance.now();
      const { result: answer, stallMs } = await measureEventLoopStall(() =>
        rawGrpcCall(testApp.address, { path: CHECK, chunks: [bomb] }),
      );
      expect(performance.now() - started).toBeLessThan(1000);
      expect(answer.grpcStatus).toBe(0);
      const response = upstreamResponse.decode(answer.body.subarray(5)) as UpstreamCheckResponse;
      expect(response.denied_response?.status?.code).toBe('RequestHeaderFieldsTooLarge');
      expect(problem(response).reason).toBe('headers_too_large');
      expect(stallMs).toBeLessThan(MAX_STALL_MS);
    },
  );
});

describe.each(['native', 'grpc-js'])('the %s gRPC server', (server) => {
  const testApp = useTestApp([`--grpc.server=${server}`, '--limits.max-header-lines=8']);

  it('decodes with the configured limits: the field budget follows limits.maxHeaderLines', async () => {
    // 8 lines allow 4 × 8 + 256 = 288 fields; a method field repeated 300 times is past them
    // (the default limits allow 4 352).
    const repeated = CHECK_REQUEST_BOMBS.find(([name]) => name.includes('method field'))![1];
    const wire = repeated(300 * 3);
    const answer = await rawGrpcCall(testApp.address, { path: CHECK, chunks: [frame(wire)] });
    const response = upstreamResponse.decode(answer.body.subarray(5)) as UpstreamCheckResponse;
    expect(problem(response)).toMatchObject({
      reason: 'headers_too_large',
      detail: expect.stringContaining('(288)'),
    });
  });
});
