import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { httpCheck, httpProblem } from '../support/envoy-http-client.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * limits.maxHeaderBytes and limits.maxHeaderLines in the HTTP transport, over real sockets:
 * Node's parser bounds the head it buffers (twice maxHeaderBytes, target included) and the lines
 * it keeps (maxHeaderLines and 64 more); the check counts names, values and lines exactly.
 */
const MAX_LINES = 8;
const MAX_BYTES = 1024;

/** The first status line and the body of the answer to `head`, sent on a raw connection. */
function rawRequest(port: number, head: string): Promise<{ status: string; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      const [headPart = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: headPart.split('\r\n')[0]!, body });
    });
    socket.end(head);
  });
}

/** Header lines `x-0: v` … as a record. */
const lines = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`x-${index}`, 'v']));

describe('the HTTP transport', () => {
  const testApp = useTestApp([
    `--limits.max-header-lines=${MAX_LINES}`,
    `--limits.max-header-bytes=${MAX_BYTES}`,
  ]);
  const port = () => testApp.app.httpPort!;
  const url = 'https://api.example.com/';

  it('checks exactly limits.maxHeaderLines header lines and refuses one more 431 headers_too_large', async () => {
    // httpCheck sends host, x-forwarded-proto, x-request-id and content-length besides.
    expect((await httpCheck(port(), { method: 'GET', url, headers: lines(4) })).status).toBe(200);
    const over = await httpCheck(port(), { method: 'GET', url, headers: lines(5) });
    expect(over.status).toBe(431);
    expect(httpProblem(over)).toMatchObject({
      reason: 'headers_too_large',
      detail: `the request has more header lines than limits.maxHeaderLines (${MAX_LINES})`,
    });
  });

  it('refuses a request whose lines Node stopped keeping, however few of the kept ones count', async () => {
    // Hop-by-hop lines are not counted by the check, but Node keeps only so many lines: the
    // forged identity header after them would never be seen, so the request is refused.
    const hopByHop = 'keep-alive: timeout=5\r\n'.repeat(MAX_LINES + 64);
    const answer = await rawRequest(
      port(),
      `GET / HTTP/1.1\r\nHost: api.example.com\r\n${hopByHop}x-agent-id: forged\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(answer.body)).toMatchObject({ reason: 'headers_too_large' });
  });

  it('counts the bytes of names and values against limits.maxHeaderBytes in the check, exactly', async () => {
    // host (4 + 15), x-forwarded-proto (17 + 5), x-request-id (12 + 36), content-length (14 + 1).
    const fixed = 4 + 15 + 17 + 5 + 12 + 36 + 14 + 1;
    const value = (bytes: number) => ({ 'x-pad': 'p'.repeat(bytes - fixed - 'x-pad'.length) });
    const at = await httpCheck(port(), { method: 'GET', url, headers: value(MAX_BYTES) });
    expect(at.status).toBe(200);
    const over = await httpCheck(port(), { method: 'GET', url, headers: value(MAX_BYTES + 1) });
    expect(over.status).toBe(431);
    expect(httpProblem(over).detail).toBe(
      `the request's header fields are larger than limits.maxHeaderBytes (${MAX_BYTES})`,
    );
  });

  it('leaves a head larger than twice limits.maxHeaderBytes to Node, which answers 431 and closes', async () => {
    const answer = await rawRequest(
      port(),
      `GET / HTTP/1.1\r\nHost: api.example.com\r\nx-pad: ${'p'.repeat(2 * MAX_BYTES)}\r\n\r\n`,
    );
    expect(answer.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body).toBe('');
  });
});
