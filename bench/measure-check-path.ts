import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCheckRequest } from '../src/transport/grpc/check-codec.js';
import type { CheckRequestMessage } from '../src/transport/grpc/check-messages.js';
import { openCheckPath } from './check-path-harness.js';
import { markWindowEdge, numberOption } from './harness-options.js';
import { prepareRequests, type RequestKind } from './make-requests.js';
import { setUpSharedMaterial } from './shared-material.js';

const KINDS: readonly RequestKind[] = [
  'unsigned',
  'signed-ed25519',
  'signed-p256',
  'dpop',
  'mtls',
  'web-bot-auth',
];
const args = process.argv.slice(2);
if (args[0] === '--make')
  await makeRequests(args[1] as RequestKind, Number(args[2]), String(args[3]));
else await measure(args);

/** Child: writes DIR/requests.bin (4-byte length, message) and DIR/config.json, then serves. */
async function makeRequests(kind: RequestKind, count: number, dir: string): Promise<void> {
  const shared = await setUpSharedMaterial(dir);
  const prepared = prepareRequests(kind, shared.material);
  shared.publish(prepared.directoryKeys);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const bytes = encodeCheckRequest(prepared.next() as CheckRequestMessage);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    frames.push(length, Buffer.from(bytes));
  }
  writeFileSync(join(dir, 'requests.bin'), Buffer.concat(frames));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(prepared.config));
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    shared.close();
    process.exit(0);
  });
}

async function measure(argv: readonly string[]): Promise<void> {
  const kind = argv[0] as RequestKind;
  if (!KINDS.includes(kind)) throw new Error(`KIND: one of ${KINDS.join(', ')}`);
  const checks = numberOption(argv, '--checks', 5000);
  const warm = numberOption(argv, '--warm', 3000);
  const flags = argv
    .slice(1)
    .filter((a, i, all) => a !== '--' && !isOption(a) && !isOption(all[i - 1] ?? ''));
  const path = await openCheckPath(kind, warm + checks, flags);
  await path.run(0, warm);
  markWindowEdge();
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await path.run(warm, warm + checks);
  const cpu = process.cpuUsage(cpuBefore);
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1000;
  markWindowEdge();
  await path.close();
  const per = (micros: number): string => (micros / checks).toFixed(1);
  process.stdout.write(
    `${kind}: ${checks} checks after ${warm} warm-up; CPU ${per(cpu.user + cpu.system)} µs/check ` +
      `(user ${per(cpu.user)}, system ${per(cpu.system)}), wall ${per(wallMicros)} µs/check\n`,
  );
  if (path.denied() > 0) {
    process.stderr.write(`${path.denied()} checks were denied\n`);
    process.exit(1);
  }
}

function isOption(arg: string): boolean {
  return arg === '--checks' || arg === '--warm';
}
