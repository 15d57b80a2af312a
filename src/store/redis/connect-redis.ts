import { createClient, createCluster } from '@redis/client';
import type { LuaScript } from './redis-scripts.js';

/** What the Redis store sends, the same for one server and for a Redis Cluster. */
export interface RedisLink {
  /** A command whose routing key (in a cluster) is `key`; undefined: any node. */
  send(key: string | undefined, args: string[]): Promise<unknown>;
  /** Runs a script by hash, loading it once when Redis does not know it (NOSCRIPT). */
  script(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Delivers every message published on `channel`; resubscribes after a reconnect. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  readonly url: string;
  readonly cluster: boolean;
  readonly connectTimeoutMs: number;
  /** Told of connection errors and reconnects (the caller rate-limits its logging). */
  readonly onError: (error: Error) => void;
  /** Called each time the command connection is (re)established. */
  readonly onReady: () => void;
}

/** Exponential backoff from 50 ms to 2 s, with jitter so replicas do not reconnect in step. */
export function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), 2000) + Math.floor(Math.random() * 100);
}

/**
 * Opens the connections. Commands fail at once while disconnected (no offline queue: a check
 * must not wait for a reconnect); the client reconnects in the background with backoff.
 */
export function connectRedis(options: RedisConnectOptions): RedisLink {
  const socket = { connectTimeout: options.connectTimeoutMs, reconnectStrategy: reconnectDelayMs };
  return options.cluster ? clusterLink(options, socket) : clientLink(options, socket);
}

type Socket = { connectTimeout: number; reconnectStrategy: (retries: number) => number };

function clientLink(options: RedisConnectOptions, socket: Socket): RedisLink {
  const client = createClient({ url: options.url, socket, disableOfflineQueue: true });
  const subscriber = client.duplicate({ disableOfflineQueue: false });
  client.on('ready', options.onReady);
  for (const each of [client, subscriber]) {
    each.on('error', options.onError);
    each.connect().catch(options.onError);
  }
  const send = (_key: string | undefined, args: string[]) => client.sendCommand(args);
  return {
    send,
    script: (script, keys, args) => runScript(send, script, keys, args),
    subscribe: (channel, listener) => subscriber.subscribe(channel, listener),
    close: () => closeAll([client, subscriber]),
  };
}

function clusterLink(options: RedisConnectOptions, socket: Socket): RedisLink {
  const url = new URL(options.url);
  const cluster = createCluster({
    rootNodes: [{ url: options.url }],
    defaults: {
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
      socket: url.protocol === 'rediss:' ? { ...socket, tls: true } : socket,
      disableOfflineQueue: true,
    },
  });
  cluster.on('error', options.onError);
  cluster.on('connect', options.onReady);
  const connected = connectWithRetry(() => cluster.connect(), options.onError);
  const send = (key: string | undefined, args: string[]) => cluster.sendCommand(key, false, args);
  return {
    send,
    script: (script, keys, args) => runScript(send, script, keys, args),
    // Subscribing needs the topology: wait for the first connect.
    subscribe: (channel, listener) => connected.then(() => cluster.subscribe(channel, listener)),
    close: () => closeAll([cluster]),
  };
}

/** A cluster's first connect does not retry by itself: keep trying in the background. */
function connectWithRetry(
  connect: () => Promise<unknown>,
  onError: (error: Error) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let retries = 0;
    const attempt = (): void => {
      connect().then(
        () => resolve(),
        (error: Error) => {
          onError(error);
          setTimeout(attempt, reconnectDelayMs(retries++)).unref();
        },
      );
    };
    attempt();
  });
}

/** Scripts sent whole at least once by this process (Redis then caches them by hash). */
const sentWhole = new Set<string>();

/**
 * EVAL the first time (so the call is not split in two, which could let a later command
 * overtake it), EVALSHA after; NOSCRIPT (a restarted Redis, another cluster node) falls back to
 * EVAL.
 */
async function runScript(
  send: RedisLink['send'],
  script: LuaScript,
  keys: string[],
  args: string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  if (!sentWhole.has(script.sha1)) {
    const reply = await send(keys[0], ['EVAL', script.source, ...tail]);
    sentWhole.add(script.sha1);
    return reply;
  }
  try {
    return await send(keys[0], ['EVALSHA', script.sha1, ...tail]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return send(keys[0], ['EVAL', script.source, ...tail]);
  }
}

/** Closes gracefully, or drops the sockets when Redis does not answer within a second. */
async function closeAll(clients: Array<{ close(): Promise<void>; destroy(): void }>) {
  await Promise.all(
    clients.map(async (client) => {
      let timer: NodeJS.Timeout | undefined;
      const closed = client.close().then(
        () => true,
        () => false,
      );
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), 1000);
      });
      const graceful = await Promise.race([closed, late]);
      clearTimeout(timer);
      if (graceful) return;
      try {
        client.destroy();
      } catch {
        // Already closed.
      }
    }),
  );
}
