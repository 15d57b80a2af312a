import type { Clock } from '../lib/clock.js';
import type { CheckRecorder } from './check-recorder.js';
import type { TrafficRing } from './traffic-ring.js';

/** The recorder, then the traffic ring the admin page reads (`GET /v1/traffic`). */
export function feedTraffic(record: CheckRecorder, ring: TrafficRing, clock: Clock): CheckRecorder {
  return (request, decision, traceId, elapsedMs) => {
    record(request, decision, traceId, elapsedMs);
    ring.record(decision, clock());
  };
}
