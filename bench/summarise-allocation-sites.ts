/**
 * A sampling heap profile (HeapProfiler.stopSampling) reduced to what the check path's authors
 * act on: bytes by allocating function, by module (a package, a Node internal, a project file),
 * and by the nearest project function on the stack — the agent-authz code that caused the
 * allocation, even when a library or Node made the object.
 */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly callFrame: CallFrame;
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

export interface AllocationSites {
  readonly totalBytes: number;
  /** [label, bytes], largest first. */
  readonly byFunction: readonly [string, number][];
  readonly byModule: readonly [string, number][];
  readonly byProjectCaller: readonly [string, number][];
}

const TOP = 25;

export function summariseAllocationSites(profile: { head: ProfileNode }): AllocationSites {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byProjectCaller = new Map<string, number>();
  let totalBytes = 0;
  const walk = (node: ProfileNode, projectCaller: string): void => {
    const frame = node.callFrame;
    const caller = isProjectFile(frame.url) ? label(frame) : projectCaller;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      add(byFunction, label(frame), node.selfSize);
      add(byModule, moduleOf(frame.url), node.selfSize);
      add(byProjectCaller, caller, node.selfSize);
    }
    for (const child of node.children) walk(child, caller);
  };
  walk(profile.head, '(no project frame)');
  return {
    totalBytes,
    byFunction: top(byFunction),
    byModule: top(byModule),
    byProjectCaller: top(byProjectCaller),
  };
}

function isProjectFile(url: string): boolean {
  // A server runs dist/…, the in-process harness dist-bench/src/….
  if (!url.startsWith('file:') || url.includes('node_modules')) return false;
  return url.includes('/dist/') || url.includes('/dist-bench/src/');
}

function label(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  return `${name} ${shortPath(frame.url)}:${frame.lineNumber + 1}`;
}

/** `node_modules/<package>`, `node:internal/...`, or the path below the checkout. */
function moduleOf(url: string): string {
  if (url === '') return '(native / VM)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  return shortPath(url);
}

function shortPath(url: string): string {
  const packageAt = url.lastIndexOf('node_modules/');
  if (packageAt !== -1) return url.slice(packageAt + 'node_modules/'.length);
  const built = /\/dist(?:-bench)?\/(?:src\/)?(.*)$/.exec(url);
  return built ? built[1]! : url;
}

function add(map: Map<string, number>, key: string, bytes: number): void {
  map.set(key, (map.get(key) ?? 0) + bytes);
}

function top(map: ReadonlyMap<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP);
}
