import { once } from 'node:events';
import { connect } from 'node:http2';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import { startGrpcTransport } from '../../src/transport/grpc/grpc-server.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { frame } from '../support/raw-grpc-call.js';
import { statusOf } from '../support/raw-h2.js';
import { upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec } from '../wire-compat/descriptors.js';

const allow: Decision = { allowed: true, identity: { verified: false, profile: 'unsigned' } };
const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const HEADERS = { ':method': 'POST', ':path': CHECK, 'content-type': 'application/grpc' };
const request = frame(
  codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest').encode(
    envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' }),
  ),
);

describe('a connection to the native gRPC server', () => {
  it("answers HTTP/2 PINGs, as Envoy's keepalive sends them", async () => {
    const transport = await startGrpcTransport('127.0.0.1:0', async () => allow, {
      server: 'native',
    });
    const session = connect(`http://127.0.0.1:${transport.port}`);
    try {
      await once(session, 'connect');
      const acked = await new Promise<unknown>((resolve) =>
        session.ping((error) => resolve(error ?? 'acknowledged')),
      );
      expect(acked).toBe('acknowledged');
    } finally {
      session.close();
      await transport.drain({ delayMs: 0, timeoutMs: 1000 });
    }
  });

  it('gets a GOAWAY on drain, its call in flight answered OK and no new stream served', async () => {
    let started: () => void = () => {};
    const checkStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const transport = await startGrpcTransport(
      '127.0.0.1:0',
      async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return allow;
      },
      { server: 'native' },
    );
    const session = connect(`http://127.0.0.1:${transport.port}`);
    session.on('error', () => {});
    const inFlight = session.request(HEADERS);
    const answered = statusOf(inFlight);
    inFlight.end(request);
    await checkStarted;
    const goaway = once(session, 'goaway');
    const drained = transport.drain({ delayMs: 0, timeoutMs: 5000 });
    await goaway;
    expect(await answered).toBe('0');
    let refused: string;
    try {
      const late = session.request(HEADERS);
      refused = await statusOf(late);
    } catch {
      refused = 'refused by the client after GOAWAY';
    }
    expect(refused).not.toBe('0');
    await drained;
    session.destroy();
  });
});
