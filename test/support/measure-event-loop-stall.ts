/** How often, in ms, the event loop is sampled. */
const SAMPLE_MS = 5;

/**
 * Runs `work` and returns, besides its result, the longest time this process's event loop was
 * held by work while `work` ran, in ms. A 5 ms interval samples the loop; between two of its
 * ticks the loop was held for the wall time that passed, but only as far as the process spent
 * CPU in it: on a shared test machine a process also waits, descheduled, for a core, and that
 * wait is not a stall its code caused. (perf_hooks' monitorEventLoopDelay counts that wait, and
 * can miss a stall that ends just before it samples.) Sampling goes on a few periods after
 * `work` settles, so a stall at its very end is counted.
 */
export async function measureEventLoopStall<T>(
  work: () => Promise<T>,
): Promise<{ result: T; stallMs: number }> {
  let stallMs = 0;
  let lastMs = performance.now();
  let lastCpu = process.cpuUsage();
  const ticks = setInterval(() => {
    const nowMs = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const busyMs = (cpu.user + cpu.system) / 1000;
    stallMs = Math.max(stallMs, Math.min(nowMs - lastMs, busyMs) - SAMPLE_MS);
    lastMs = nowMs;
    lastCpu = process.cpuUsage();
  }, SAMPLE_MS);
  try {
    const result = await work();
    await new Promise((resolve) => setTimeout(resolve, 4 * SAMPLE_MS));
    return { result, stallMs: Math.max(0, stallMs) };
  } finally {
    clearInterval(ticks);
  }
}
