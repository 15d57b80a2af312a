/**
 * Where the time goes: self time per function and per package from a `--cpu-prof` profile of
 * the server's main thread. `node summarize-cpu-profile.js FILE.cpuprofile [TOP]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `node_modules/<package>`, `node:<internal>`, the project's own code, or V8's own entries. */
function owner(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return url;
  return 'agent-authz';
}

function topEntries(totals: Map<string, number>, all: number, count: number): string[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${((micros / all) * 100).toFixed(1).padStart(5)} %  ${name}`);
}

const [file, top = '25'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: summarize-cpu-profile FILE.cpuprofile [TOP]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, index) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') return;
  const micros = profile.timeDeltas[index] ?? 0;
  busy += micros;
  const where =
    url === ''
      ? ''
      : ` ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/')}:${lineNumber + 1}`;
  const name = `${functionName || '(anonymous)'}${where}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const group = owner(url, functionName);
  byOwner.set(group, (byOwner.get(group) ?? 0) + micros);
});
process.stdout.write(
  [
    `busy ${(busy / 1e6).toFixed(2)} s of main-thread samples (idle excluded)`,
    '',
    'self time by package:',
    ...topEntries(byOwner, busy, 15),
    '',
    'self time by function:',
    ...topEntries(byFunction, busy, Number(top)),
    '',
  ].join('\n'),
);
