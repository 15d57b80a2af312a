import { type ChildProcess, fork } from 'node:child_process';
import type { GeneratorCommand, PrepareResult, WindowResult } from './generator-protocol.js';
import { benchScript } from './paths.js';
import { type Placement, placedNode } from './placement.js';

/** The load generator process, asked one command at a time over IPC. */
export interface GeneratorClient {
  prepare(command: Extract<GeneratorCommand, { op: 'prepare' }>): Promise<PrepareResult>;
  connect(command: Extract<GeneratorCommand, { op: 'connect' }>): Promise<void>;
  window(command: Extract<GeneratorCommand, { op: 'window' }>): Promise<WindowResult>;
  exit(): Promise<void>;
}

/** Forks the generator, pinned as asked. */
export function startGenerator(placement: Placement): GeneratorClient {
  // fork runs `execPath …execArgv script`: the placement's wrapper, then node.
  const { file, args } = placedNode(placement, []);
  const child: ChildProcess = fork(benchScript('load-generator'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execPath: file,
    execArgv: args,
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`generator exited (${code})`));
    pending.clear();
  });
  const ask = <T>(command: GeneratorCommand): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command });
    });
  return {
    prepare: (command) => ask(command),
    connect: (command) => ask(command),
    window: (command) => ask(command),
    exit: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ id: nextId++, command: { op: 'exit' } });
      await exited;
    },
  };
}
