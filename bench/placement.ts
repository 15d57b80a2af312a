/** Where a bench process runs. */
export interface Placement {
  /** Pinned to this core with taskset (util-linux). */
  readonly core: number | undefined;
}

/**
 * The program and arguments that run `node …nodeArgs` with the placement. taskset execs what it
 * runs, so the pid is node's own and /proc/<pid> measures the server.
 */
export function placedNode(
  placement: Placement,
  nodeArgs: readonly string[],
): { file: string; args: string[] } {
  const prefix = placement.core === undefined ? [] : ['taskset', '-c', String(placement.core)];
  const [file, ...rest] = [...prefix, process.execPath, ...nodeArgs];
  return { file: file!, args: rest };
}
