import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/**
 * How busy the machine is besides the bench: the 1-minute load average per core and, where the
 * kernel has PSI, the share of the last 10 s in which some task waited for a CPU. On a shared
 * machine absolute CPU per check is inflated (cold caches, JIT and GC work spread over fewer
 * checks); ratios measured in the same run hold better.
 */
export function describeMachineLoad(): string {
  const perCore = loadavg()[0]! / availableParallelism();
  let pressure = '';
  try {
    const match = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (match) pressure = `, CPU pressure ${match[1]} % (PSI some avg10)`;
  } catch {
    // No PSI on this kernel.
  }
  const busy = perCore > 1.2 ? ' — busy: read the ratios, not the absolute numbers' : '';
  return `load average ${perCore.toFixed(1)} per core${pressure}${busy}`;
}
