import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './support/cli-process.js';

interface Example {
  readonly script: string;
  /** The block marked `<!-- output -->` after it, if any; `…` stands for any text on a line. */
  output?: string;
}

/** The README's shell blocks marked `<!-- runnable -->`, each with its output block. */
function runnableExamples(readme: string): Example[] {
  const examples: Example[] = [];
  const marked = /<!-- (runnable|output) -->\n```[a-z]*\n([\s\S]*?)```/g;
  for (const [, kind, body] of readme.matchAll(marked)) {
    if (kind === 'runnable') examples.push({ script: body! });
    else if (examples.length > 0 && examples.at(-1)!.output === undefined) {
      examples.at(-1)!.output = body!;
    } else throw new Error(`an output block follows no runnable block:\n${body}`);
  }
  return examples;
}

/** The output block as a pattern: literal text, `…` any run of characters within a line. */
function outputPattern(output: string): RegExp {
  const literal = output
    .trimEnd()
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^\\n]*')}$`);
}

function runScript(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** The admin port from the server's "agent-authz listening" line. */
function adminPort(server: ServerProcess): number {
  const line = server
    .stdout()
    .split('\n')
    .find((text) => text.includes('"agent-authz listening"'));
  return (JSON.parse(line!) as { adminPort: number }).adminPort;
}

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
const examples = runnableExamples(readme);

let server: ServerProcess;
let folder: string;
beforeAll(async () => {
  server = await startServerProcess();
  // The examples run `node bin/agent-authz.js …` from a checkout; this folder stands in for one.
  folder = await mkdtemp(join(tmpdir(), 'agent-authz-readme-'));
  await mkdir(join(folder, 'bin'));
  const main = pathToFileURL(join(process.cwd(), 'dist', 'main.js')).href;
  await writeFile(join(folder, 'bin', 'agent-authz.js'), `import '${main}';\n`);
  await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
});
afterAll(async () => {
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
});

describe('the README', () => {
  it('has runnable examples, each with the output it prints', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(examples.filter((example) => example.output === undefined)).toEqual([]);
  });

  // In order: later examples use the key file the first one writes.
  it.each(examples.map((example) => [example.script.trim(), example] as const))(
    'prints what it shows: %s',
    async (_, example) => {
      const { output } = await runScript(example.script, folder, {
        AGENT_AUTHZ_LISTEN_GRPC: server.address,
        AGENT_AUTHZ_LISTEN_ADMIN: `127.0.0.1:${adminPort(server)}`,
      });
      expect(output.trimEnd()).toMatch(outputPattern(example.output!));
    },
  );
});
