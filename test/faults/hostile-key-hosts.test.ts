import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem } from '../support/envoy-client.js';
import { DID_JSON } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import type { HostedResponse } from '../support/start-document-host.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Key hosts that misbehave on the wire — reset the connection, trickle bytes, redirect, fail,
 * send too much, or send the wrong media type — against a real server fetching over real TLS
 * sockets. Each is a key_unresolvable denial with its own detail, answered within
 * resolver.maxWait (or key_pending, when the document was still arriving then), and the server
 * goes on answering other checks.
 */
const host = useDocumentHost();
const server = useTestApp(
  [
    '--resolver.network=true',
    '--resolver.allow-private-networks=true',
    `--resolver.ca-file=${host.caFile}`,
    '--resolver.timeout=1s',
    '--resolver.max-wait=1s',
    '--resolver.max-bytes=8192',
  ],
  { lookup: host.lookup },
);
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/** Sends one byte every 100 ms, forever (until the client gives up). */
function trickle(response: ServerResponse, contentType: string): void {
  response.writeHead(200, { 'content-type': contentType });
  const timer = setInterval(() => {
    if (response.destroyed) clearInterval(timer);
    else response.write(' ');
  }, 100);
  response.on('close', () => clearInterval(timer));
}

const BEHAVIOURS: Array<[string, (type: string) => HostedResponse, string | RegExp]> = [
  [
    'resets the connection',
    () => ({ raw: (response) => response.socket?.destroy() }),
    'the host could not be reached over https',
  ],
  [
    'trickles one byte every 100 ms',
    (type) => ({ raw: (response) => trickle(response, type) }),
    // The fetch's deadline and the check's resolver.maxWait end together; either may answer.
    /^the (host did not answer within 1000 ms|key document did not arrive within resolver\.maxWait)$/,
  ],
  [
    'answers 302 to another host',
    () => ({ status: 302, headers: { location: 'https://elsewhere.example.test/' } }),
    'the host answered with a redirect, which is not followed',
  ],
  ['answers 500', () => ({ status: 500 }), 'the host answered HTTP 500'],
  [
    'streams 1 MB without a Content-Length',
    (type) => ({
      raw: (response) => {
        response.writeHead(200, { 'content-type': type });
        for (let i = 0; i < 64; i++) response.write(Buffer.alloc(16_384, 0x20));
        response.end();
      },
    }),
    'the document is larger than 8192 bytes',
  ],
  [
    'serves another media type',
    () => ({ headers: { 'content-type': 'text/html' }, body: '<html></html>' }),
    'the document has an unexpected media type',
  ],
];

async function expectAnsweredAndServing(response: object, detail: string | RegExp): Promise<void> {
  const answer = problem(response as never);
  // Still fetching when resolver.maxWait ended is the retryable key_pending.
  const pending = answer.detail === 'the key document did not arrive within resolver.maxWait';
  expect(answer.reason).toBe(pending ? 'key_pending' : 'key_unresolvable');
  expect(answer.detail).toMatch(detail);
  const other = await server.client.check(
    envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/public' }),
  );
  expect(other.ok_response).toBeDefined();
}

describe('a did:web host that misbehaves', () => {
  it.each(BEHAVIOURS)('is key_unresolvable when it %s', async (name, behaviour, detail) => {
    const hostname = `did-${name.replace(/[^a-z0-9]+/g, '-')}.example.test`;
    const did = `did:web:${hostname}%3A${host.port}`;
    const key = generateAgentKey();
    const { keyId } = didWebDocument(did, key.publicJwk);
    host.serve(hostname, '/.well-known/did.json', behaviour(DID_JSON['content-type']));
    const request = signedCheck(GET, Math.floor(server.now / 1000), {
      key: { ...key, keyId },
    }).request();
    await expectAnsweredAndServing(await server.client.check(request), detail);
  });
});

describe('a Web Bot Auth key directory that misbehaves', () => {
  it.each(BEHAVIOURS)('is key_unresolvable when it %s', async (name, behaviour, detail) => {
    const hostname = `dir-${name.replace(/[^a-z0-9]+/g, '-')}.example.test`;
    host.serve(hostname, DIRECTORY_PATH, behaviour(DIRECTORY_TYPE['content-type']));
    const headers = signWebBotAuth(GET, webBotAuthKey(), {
      agent: host.origin(hostname),
      created: Math.floor(server.now / 1000),
    });
    await expectAnsweredAndServing(
      await server.client.check(envoyCheckRequest({ ...GET, headers })),
      detail,
    );
  });
});
