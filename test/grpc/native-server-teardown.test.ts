import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectStillAnswering } from '../support/grpc-abuse.js';
import {
  CHECK_PATH,
  HEALTH_CHECK_PATH,
  openSession,
  openStream,
  unsignedCheckFrame,
} from '../support/raw-h2.js';
import { type ServerProcess, spawnServer } from '../support/spawn-server.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await spawnServer(['--grpc.server=native', '--telemetry.decision-log=off']);
});
afterAll(async () => {
  await server.stop();
});

/**
 * Opens two calls on one connection, each sent `sent` (nothing: HEADERS only), waits until the
 * server has read them, then tears the connection down from the client side without a reset of
 * its own: Node's server then sees each stream closed before it is destroyed, and ends them.
 */
async function tearDownWithTwoCalls(path: string, sent: Buffer): Promise<void> {
  const session = openSession(server.address);
  for (let i = 0; i < 2; i++) {
    const stream = openStream(session, path);
    if (sent.length > 0) stream.write(sent);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  session.destroy();
  // The server handles the teardown on its next turns; a crash would show as an exit by now.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

describe('the native gRPC server when a client tears down a connection mid-call', () => {
  it('stays up when two Check calls that sent only HEADERS lose their connection', async () => {
    await tearDownWithTwoCalls(CHECK_PATH, Buffer.alloc(0));
    await expectStillAnswering(server);
  });

  it('stays up when two Check calls part-way through their message lose their connection', async () => {
    await tearDownWithTwoCalls(CHECK_PATH, unsignedCheckFrame().subarray(0, 12));
    await expectStillAnswering(server);
  });

  it('stays up when two Health calls lose their connection', async () => {
    await tearDownWithTwoCalls(HEALTH_CHECK_PATH, Buffer.alloc(0));
    await expectStillAnswering(server);
  });
});
