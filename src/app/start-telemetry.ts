import type { Config } from '../config/config-schema.js';
import { type CheckRecorder, createCheckRecorder } from '../telemetry/check-recorder.js';
import { createDecisionLog, type DecisionLog } from '../telemetry/decision-log.js';
import type { Logger } from '../telemetry/logger.js';
import { createMetrics, type MetricSources, type Metrics } from '../telemetry/metrics.js';
import { packageVersion } from '../telemetry/package-version.js';
import { startTracing } from '../telemetry/start-tracing.js';
import { watchEventLoop } from '../telemetry/watch-event-loop.js';

export interface Telemetry {
  readonly metrics: Metrics;
  readonly decisionLog: DecisionLog;
  readonly recordCheck: CheckRecorder;
  /** Per-check series are recorded (`telemetry.metrics`). */
  readonly counting: boolean;
  /** An SDK was started: stages open child spans. */
  readonly tracing: boolean;
  /** Flushes the decision log and any buffered spans. */
  close(): Promise<void>;
}

/** Metrics, the decision log and — when an OTLP endpoint is configured — the tracing SDK. */
export async function startTelemetry(
  config: Config,
  sources: MetricSources,
  options: { logger: Logger; env: Readonly<Record<string, string | undefined>> },
): Promise<Telemetry> {
  const { logger } = options;
  const metrics = createMetrics(sources);
  const eventLoop = watchEventLoop(metrics.registry, logger, config.telemetry.stallWarning);
  const decisionLog = createDecisionLog({
    destination: config.telemetry.decisionLog,
    sampleAllowed: config.telemetry.sampleAllowed,
    onDrop: () => metrics.decisionLogDropped.inc(),
    onError: (error) => logger.error({ err: error }, 'decision log sink failed; lines are dropped'),
  });
  const tracing = await startTracing({
    endpoint: config.telemetry.otlp,
    env: options.env,
    serviceVersion: packageVersion(),
  });
  if (tracing !== undefined) logger.info({ protocol: tracing.protocol }, 'trace export started');
  return {
    metrics,
    decisionLog,
    recordCheck: createCheckRecorder(config.telemetry.metrics ? metrics : undefined, decisionLog),
    counting: config.telemetry.metrics,
    tracing: tracing !== undefined,
    close: async () => {
      eventLoop.stop();
      await decisionLog.close();
      await tracing?.shutdown();
    },
  };
}
