import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

export interface EventLoopWatch {
  stop(): void;
}

/** How often the delay histogram is read and reset. */
const INTERVAL_MS = 500;

/**
 * The stall detector: Node's event-loop delay histogram, read every half second. The largest
 * delay of each interval is a gauge; an interval whose largest delay passes `thresholdMs`
 * (`telemetry.stallWarning`) counts one stall and logs a warning. While the loop is stalled no
 * check is answered, so this is what explains a burst of Envoy timeouts.
 */
export function watchEventLoop(
  registry: Registry,
  logger: Logger,
  thresholdMs: number,
): EventLoopWatch {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const registers = [registry];
  const delay = new Gauge({
    name: 'agent_authz_event_loop_delay_max_seconds',
    help: 'Largest event-loop delay seen in the last half second.',
    registers,
  });
  const stalls = new Counter({
    name: 'agent_authz_event_loop_stalls_total',
    help: 'Half-second intervals whose largest event-loop delay passed telemetry.stallWarning.',
    registers,
  });
  const timer = setInterval(() => {
    const maxMs = histogram.max / 1e6;
    histogram.reset();
    delay.set(maxMs / 1000);
    if (maxMs > thresholdMs) {
      stalls.inc();
      logger.warn({ delayMs: Math.round(maxMs) }, 'the event loop stalled; checks waited');
    }
  }, INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
