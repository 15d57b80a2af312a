import { fileURLToPath } from 'node:url';

/**
 * The repository root of the bench's own checkout. The bench runs compiled, from
 * dist-bench/bench/, two levels below the root.
 */
export const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The project's own Envoy protos. */
export const PROTO_DIR = `${BENCH_ROOT}proto`;

/** A compiled bench entry point (`load-generator`, `noop-server`, …). */
export function benchScript(name: string): string {
  return fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}
