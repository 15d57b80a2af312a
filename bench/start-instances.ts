import type { BenchOptions } from './bench-options.js';
import type { GeneratorClient } from './generator-client.js';
import { benchScript } from './paths.js';
import type { Placement } from './placement.js';
import {
  type Checkout,
  listenerNames,
  OTLP_SINK_URL,
  SCENARIOS,
  type Scenario,
  schemaHas,
} from './scenarios.js';
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

/** The scenarios selected by --only (else all but the on-request ones), once per checkout. */
export function planInstances(options: BenchOptions, checkouts: readonly Checkout[]): Instance[] {
  const selected = SCENARIOS.filter(
    (scenario) =>
      scenario.server === 'noop-grpc' ||
      (options.only === undefined
        ? scenario.onRequest !== true
        : options.only.includes(scenario.name)),
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
    /** The run's OTLP/HTTP sink, when a scenario exports traces. */
    sink?: ServerProcess;
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
  const command = serverCommand(instance, prepared.config, options, context.sink);
  instance.server = await startServer(instance.name.replace(/[^\w.-]/g, '_'), command, {
    workDir: context.workDir,
    placement: instance.scenario.allCores ? { core: undefined } : context.placement,
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
  sink: ServerProcess | undefined,
): ServerCommand {
  const { scenario, checkout } = instance;
  if (checkout === undefined) {
    return { args: [benchScript(`${scenario.server}-server`), 'PORT'], cwd: process.cwd() };
  }
  return {
    args: [...options.serverNodeArgs, ...(scenario.nodeArgs ?? []), 'bin/agent-authz.js', 'serve'],
    cwd: checkout.dir,
    config: merge(merge(baseConfig(checkout), requestConfig), withSink(scenario.config, sink)),
  };
}

/** Whether any of these instances exports traces to the run's sink. */
export function needsOtlpSink(instances: readonly Instance[]): boolean {
  return instances.some((i) => JSON.stringify(i.scenario.config ?? {}).includes(OTLP_SINK_URL));
}

/** The local OTLP/HTTP sink (bench/otlp-sink.ts), placed with the load, not the servers. */
export function startOtlpSink(workDir: string, placement: Placement): Promise<ServerProcess> {
  const command = { args: [benchScript('otlp-sink'), 'PORT'], cwd: process.cwd() };
  return startServer('otlp-sink', command, { workDir, placement });
}

function withSink(
  config: Record<string, unknown> | undefined,
  sink: ServerProcess | undefined,
): Record<string, unknown> {
  const text = JSON.stringify(config ?? {});
  if (!text.includes(OTLP_SINK_URL)) return config ?? {};
  if (sink === undefined) throw new Error('a scenario exports traces but no sink was started');
  return JSON.parse(text.replaceAll(OTLP_SINK_URL, `http://127.0.0.1:${sink.port}`));
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
