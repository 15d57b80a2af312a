import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpCheck } from '../support/envoy-http-client.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * The HTTP transport's bounds on what clients can make it hold, over real sockets to an
 * in-process server: bodies are admitted against a process-wide byte budget before they are
 * read, and a request that never finishes is ended by Node's timeouts. Scaled down to be quick:
 * 64 KiB bodies, a budget of four of them, a 600 ms request timeout.
 */
const BODY_BYTES = 65_536;
const BUDGET_BODIES = 4;

/** A raw HTTP/1.1 connection; `answer` is its first status line, or "closed". */
interface RawConnection {
  readonly socket: Socket;
  readonly answer: Promise<string>;
  readonly closed: Promise<void>;
}

function openConnection(port: number, head: string, body = ''): RawConnection {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(head + body);
  const answer = new Promise<string>((resolve) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]!));
    socket.once('close', () => resolve('closed'));
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, answer, closed };
}

/** A POST declaring a body of BODY_BYTES of which only `sent` bytes come, then nothing. */
function slowBody(port: number, sent: number): RawConnection {
  const head = `POST /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: ${BODY_BYTES}\r\n\r\n`;
  return openConnection(port, head, 'b'.repeat(sent));
}

describe('the HTTP transport holding slow bodies', () => {
  const testApp = useTestApp([
    `--http.max-body-bytes=${BODY_BYTES}`,
    `--http.max-buffered-body-bytes=${BUDGET_BODIES * BODY_BYTES}`,
    '--http.headers-timeout=300ms',
    '--http.request-timeout=600ms',
  ]);
  const port = () => testApp.app.httpPort!;

  it('admits bodies up to its byte budget before reading them, answers the rest 503 at once, and times the admitted ones out', async () => {
    const connections = Array.from({ length: 32 }, () => slowBody(port(), BODY_BYTES - 1024));
    const started = performance.now();
    // Every connection past the budget is refused before its body is read, at once.
    const answers = await Promise.all(
      connections.map((connection) =>
        Promise.race([
          connection.answer,
          new Promise((resolve) => setTimeout(resolve, 400, 'held')),
        ]),
      ),
    );
    expect(answers.filter((answer) => answer === 'HTTP/1.1 503 Service Unavailable')).toHaveLength(
      32 - BUDGET_BODIES,
    );
    expect(answers.filter((answer) => answer === 'held')).toHaveLength(BUDGET_BODIES);
    // While the budget is full, a check without a body is still answered.
    const valid = await httpCheck(port(), { method: 'GET', url: 'https://api.example.com/' });
    expect(valid.status).toBe(200);
    // The admitted ones are answered 408 and closed after http.requestTimeout.
    await Promise.all(connections.map((connection) => connection.closed));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(
      (await Promise.all(connections.map((connection) => connection.answer))).filter(
        (answer) => answer === 'HTTP/1.1 408 Request Timeout',
      ),
    ).toHaveLength(BUDGET_BODIES);
    // The budget is given back: a whole body is read and checked again.
    const body = 'b'.repeat(BODY_BYTES);
    const after = await httpCheck(port(), {
      method: 'POST',
      url: 'https://api.example.com/',
      body,
    });
    expect(after.status).toBe(200);
  });

  it('answers 413 without reading a body declared larger than http.maxBodyBytes', async () => {
    const head = `POST /upload HTTP/1.1\r\nHost: api.example.com\r\nContent-Length: ${BODY_BYTES + 1}\r\n\r\n`;
    const connection = openConnection(port(), head);
    expect(await connection.answer).toBe('HTTP/1.1 413 Payload Too Large');
    await connection.closed;
  });

  it('answers 408 and closes a connection whose headers do not finish within http.headersTimeout', async () => {
    const started = performance.now();
    const connection = openConnection(port(), 'GET / HTTP/1.1\r\nHost: api.example.com\r\nx-a: ');
    expect(await connection.answer).toBe('HTTP/1.1 408 Request Timeout');
    await connection.closed;
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('the HTTP transport with http.maxConnections and http.keepAliveTimeout', () => {
  const testApp = useTestApp(['--http.max-connections=8', '--http.keep-alive-timeout=200ms']);

  it('closes a connection left idle for http.keepAliveTimeout after an answer', async () => {
    const started = performance.now();
    const connection = openConnection(
      testApp.app.httpPort!,
      'GET / HTTP/1.1\r\nHost: api.example.com\r\n\r\n',
    );
    expect(await connection.answer).toBe('HTTP/1.1 200 OK');
    await connection.closed;
    // Node closes it one second after the advertised timeout, so a client that honours
    // `Keep-Alive: timeout` closes first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1190);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('closes the connections beyond it as they arrive, and serves the others', async () => {
    const idle = Array.from({ length: 8 }, () => openConnection(testApp.app.httpPort!, ''));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const beyond = openConnection(testApp.app.httpPort!, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(await beyond.answer).toBe('closed');
    for (const connection of idle) connection.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const valid = await httpCheck(testApp.app.httpPort!, {
      method: 'GET',
      url: 'https://api.example.com/',
    });
    expect(valid.status).toBe(200);
  });
});
