import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStillAnswering } from '../support/grpc-abuse.js';
import {
  expectIdleConnectionClosed,
  expectIdleStreamsReaped,
  expectUnfinishedRequestsEnded,
  IDLE_CLIENT_FLAGS,
  IDLE_CLIENTS,
} from '../support/idle-client-checks.js';
import {
  CHECK_PATH,
  HEALTH_CHECK_PATH,
  openSession,
  openStream,
  statusOf,
  unsignedCheckFrame,
} from '../support/raw-h2.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer([
    '--grpc.server=grpc-js',
    '--telemetry.decision-log=off',
    ...IDLE_CLIENT_FLAGS,
  ]);
});
afterAll(async () => {
  await server.stop();
});

describe('the grpc-js server held to the gRPC port bounds', () => {
  it('stays up when calls that sent only part of a message lose their connection', async () => {
    for (const path of [CHECK_PATH, HEALTH_CHECK_PATH]) {
      const session = openSession(server.address);
      for (let i = 0; i < 2; i++)
        openStream(session, path).write(unsignedCheckFrame().subarray(0, 12));
      await new Promise((resolve) => setTimeout(resolve, 300));
      session.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expectStillAnswering(server);
  });

  it('refuses by default a message declared larger than the limits allow RESOURCE_EXHAUSTED', async () => {
    const session = openSession(server.address);
    const stream = openStream(session, CHECK_PATH);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(65_536 + 1_048_576 + 65_536 + 1, 1);
    stream.end(prefix);
    expect(await statusOf(stream)).toBe('8');
    session.destroy();
  });

  it('ends a call whose request has not all arrived within grpc.receiveTimeout DEADLINE_EXCEEDED', async () => {
    await expectUnfinishedRequestsEnded(server, IDLE_CLIENTS);
  });

  it('lets a connection open grpc.maxConcurrentStreams calls at once and reaps idle ones', async () => {
    // 1024 calls open at once (256 on each connection), about 16 KiB each.
    await expectIdleStreamsReaped(server, IDLE_CLIENTS);
  });

  it('closes a connection that carries no call for grpc.idleTimeout, though it sends PINGs', async () => {
    await expectIdleConnectionClosed(server, IDLE_CLIENTS);
  });
});
