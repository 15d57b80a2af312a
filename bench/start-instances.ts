import type { BenchOptions } from './bench-options.js';
import type { GeneratorClient } from './generator-client.js';
import { benchScript } from './paths.js';
import type { Placement } from './placement.js';
import { type Checkout, listenerNames, SCENARIOS, type Scenario, schemaHas } from './scenarios.js';
import type { SharedSetup } from './shared-material.js';
import { type ServerCommand, type ServerProcess, startServer } from './start-server.js';

/** One scenario against one server: what a measurement window targets. */
export interface Instance {
  readonly name: string;
  readonly scenario: Scenario;
  readonly checkout: Checkout | undefined;
  /** Why it was not run (n/a), or undefined. */
  readonly unavailable?: string;
  server?: ServerProcess;
}

/** The scenarios selected by --only, once per checkout for agent-authz ones. */
export function planInstances(options: BenchOptions, checkouts: readonly Checkout[]): Instance[] {
  const selected = SCENARIOS.filter(
    (scenario) =>
      scenario.server === 'noop-grpc' ||
      options.only === undefined ||
      options.only.includes(scenario.name),
  );
  return selected.flatMap((scenario): Instance[] => {
    if (scenario.server !== 'agent-authz')
      return [{ name: scenario.name, scenario, checkout: undefined }];
    return checkouts.map((checkout) => {
      const name = checkouts.length === 1 ? scenario.name : `${scenario.name}@${checkout.label}`;
      const unavailable = scenario.unavailable?.(checkout);
      return { name, scenario, checkout, ...(unavailable === undefined ? {} : { unavailable }) };
    });
  });
}

/** Prepares its requests in the generator, starts its server, and connects the generator. */
export async function startInstance(
  instance: Instance,
  context: {
    options: BenchOptions;
    generator: GeneratorClient;
    shared: SharedSetup;
    workDir: string;
    placement: Placement;
  },
): Promise<void> {
  const { generator, shared, options } = context;
  const prepared = await generator.prepare({
    op: 'prepare',
    instance: instance.name,
    kind: instance.scenario.requests,
    shared: shared.material,
  });
  shared.publish(prepared.directoryKeys);
  const command = serverCommand(instance, prepared.config, options);
  instance.server = await startServer(instance.name.replace(/[^\w.-]/g, '_'), command, {
    workDir: context.workDir,
    placement: context.placement,
  });
  await generator.connect({
    op: 'connect',
    instance: instance.name,
    port: instance.server.port,
    pid: instance.server.pid,
    connections: options.connections,
  });
}

function serverCommand(
  instance: Instance,
  requestConfig: Record<string, unknown>,
  options: BenchOptions,
): ServerCommand {
  const { scenario, checkout } = instance;
  if (checkout === undefined) {
    return { args: [benchScript(`${scenario.server}-server`), 'PORT'], cwd: process.cwd() };
  }
  return {
    args: [...options.serverNodeArgs, 'bin/agent-authz.js', 'serve'],
    cwd: checkout.dir,
    config: merge(merge(baseConfig(checkout), requestConfig), scenario.config ?? {}),
  };
}

/**
 * gRPC on the measured port (`PORT`); every other listener the checkout has on port 0, so no
 * fixed default port is ever bound. The log at warn: no per-check info lines are measured.
 */
function baseConfig(checkout: Checkout): Record<string, unknown> {
  const listen: Record<string, string> = {};
  for (const name of listenerNames(checkout)) {
    listen[name] = name === 'grpc' ? '127.0.0.1:PORT' : '127.0.0.1:0';
  }
  return schemaHas(checkout, ['log', 'level']) ? { listen, log: { level: 'warn' } } : { listen };
}

function merge(
  base: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
