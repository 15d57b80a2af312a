import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { type App, type AppOptions, startApp } from '../../src/app/start-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createEnvoyClient, type EnvoyClient } from './envoy-client.js';

export interface TestApp {
  readonly app: App;
  readonly client: EnvoyClient;
  readonly address: string;
  /** The admin HTTP API's port on 127.0.0.1. */
  readonly adminPort: number;
  /** The server's clock, in ms; tests move it. */
  now: number;
  stop(): Promise<void>;
}

/** A fixed instant so signatures and windows are reproducible: 2027-01-15T08:00:00Z. */
export const TEST_EPOCH_MS = Date.UTC(2027, 0, 15, 8, 0, 0);

/**
 * What a test may inject besides config flags (e.g. DNS pointing test hosts at 127.0.0.1, or a
 * logger whose lines it reads; silent by default).
 */
export type TestAppOptions = Pick<AppOptions, 'lookup' | 'env'> &
  Partial<Pick<AppOptions, 'logger'>>;

/** Starts the real server in-process on a free port, with a frozen, movable clock. */
export async function startTestApp(
  flags: string[] = [],
  options: TestAppOptions = {},
): Promise<TestApp> {
  const config = loadConfig({
    env: {},
    flags: [
      '--listen.grpc=127.0.0.1:0',
      '--listen.admin=127.0.0.1:0',
      '--listen.http=127.0.0.1:0',
      '--telemetry.decision-log=off',
      // A loaded test machine must not turn slow answers into deadline_exceeded; tests of the
      // deadline set their own.
      '--limits.check-timeout=10s',
      // TEST_GRPC_SERVER=native|grpc-js runs a suite against either gRPC server.
      ...(process.env.TEST_GRPC_SERVER ? [`--grpc.server=${process.env.TEST_GRPC_SERVER}`] : []),
      ...flags,
    ],
  });
  const state = { now: TEST_EPOCH_MS };
  const app = await startApp(config, {
    env: {},
    ...options,
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: () => state.now,
  });
  const address = `127.0.0.1:${app.grpcPort}`;
  const client = createEnvoyClient(address);
  const testApp: TestApp = {
    app,
    client,
    address,
    adminPort: app.adminPort,
    get now() {
      return state.now;
    },
    set now(value: number) {
      state.now = value;
    },
    stop: async () => {
      client.close();
      await app.shutdown();
    },
  };
  return testApp;
}

/** Starts one test app for the enclosing test file (beforeAll) and stops it after (afterAll). */
export function useTestApp(flags: string[] = [], options: TestAppOptions = {}): TestApp {
  let current: TestApp | undefined;
  beforeAll(async () => {
    current = await startTestApp(flags, options);
  });
  afterAll(async () => {
    await current?.stop();
  });
  const started = (): TestApp => {
    if (current === undefined) throw new Error('the test app starts in beforeAll');
    return current;
  };
  return {
    get app() {
      return started().app;
    },
    get client() {
      return started().client;
    },
    get address() {
      return started().address;
    },
    get adminPort() {
      return started().adminPort;
    },
    get now() {
      return started().now;
    },
    set now(value: number) {
      started().now = value;
    },
    stop: () => started().stop(),
  };
}
