import { writeFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CHECK_PATH, decodeCheckFrame, encodeCheckFrame } from './check-messages.js';
import { prepareRequests, type RequestKind } from './make-requests.js';
import { setUpSharedMaterial } from './shared-material.js';

const REQUEST_HEADERS = {
  ':method': 'POST',
  ':path': CHECK_PATH,
  'content-type': 'application/grpc',
  te: 'trailers',
};

/**
 * The client side of bench/measure-server-path.ts, in its own process: `KIND WARM CHECKS DIR`.
 * Makes WARM + CHECKS framed CheckRequests and DIR/config.json, prints `ready`, reads
 * `PORT IN_FLIGHT ok|any` from stdin, sends every request over one HTTP/2 connection with
 * IN_FLIGHT calls in flight, prints `warm` once the first WARM have been answered and
 * `done PROBLEMS` at the end (PROBLEMS: calls without grpc-status 0 or, with `ok`, without an
 * ok_response). Serves the Web Bot Auth key directory until stdin ends.
 */
export async function runServerPathClient(argv: readonly string[]): Promise<void> {
  const [kind, warmArg, checksArg, dir] = argv as [RequestKind, string, string, string];
  const warm = Number(warmArg);
  const total = warm + Number(checksArg);
  const shared = await setUpSharedMaterial(dir);
  const prepared = prepareRequests(kind, shared.material);
  shared.publish(prepared.directoryKeys);
  const frames = Array.from({ length: total }, () => encodeCheckFrame(prepared.next()));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(prepared.config));
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const [port, inFlight, expect] = String((await input.next()).value).split(' ');
  const session = connect(`http://127.0.0.1:${port}`, {
    createConnection: () =>
      createConnection({ port: Number(port), host: '127.0.0.1', noDelay: true }),
  });
  let problems = 0;
  let sent = 0;
  let answered = 0;
  await new Promise<void>((resolve) => {
    const launch = (): void => {
      if (sent === total) return;
      const frame = frames[sent++] as Buffer;
      call(session, frame, (ok, response) => {
        if (!ok || (expect === 'ok' && !decodeCheckFrame(response).allowed)) problems++;
        answered++;
        if (answered === warm) process.stdout.write('warm\n');
        if (answered === total) resolve();
        else launch();
      });
    };
    for (let i = 0; i < Number(inFlight); i++) launch();
  });
  process.stdout.write(`done ${problems}\n`);
  session.close();
  for await (const _ of input);
  shared.close();
  process.exit(0);
}

function call(
  session: ReturnType<typeof connect>,
  frame: Buffer,
  done: (ok: boolean, response: Buffer) => void,
): void {
  const stream = session.request(REQUEST_HEADERS);
  const chunks: Buffer[] = [];
  let status: unknown;
  stream.on('response', (headers) => {
    status = headers['grpc-status'];
  });
  stream.on('trailers', (trailers) => {
    status = trailers['grpc-status'];
  });
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', () => {});
  stream.on('close', () => done(status === '0', Buffer.concat(chunks)));
  stream.end(frame);
}
