import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksFetcher, type FetchJwksOptions } from '../../src/keys/fetch-jwks.js';
import { type JwksServer, startJwksServer } from '../support/jwks-server.js';
import { createTestCa, type TestCa } from '../support/test-pki.js';

const KEY = { kty: 'OKP', crv: 'Ed25519', x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs' };

let ca: TestCa;
let server: JwksServer;
beforeAll(async () => {
  ca = await createTestCa();
  server = await startJwksServer(ca, [KEY]);
});
afterAll(() => server.close());

const options = (): FetchJwksOptions => ({ timeoutMs: 2000, maxBytes: 4096, ca: ca.pem });
const fetchJwks = (uri: string, settings: FetchJwksOptions) => createJwksFetcher(settings)(uri);

describe('fetchJwks', () => {
  it('fetches a key set over HTTPS from a server whose CA is configured', async () => {
    server.behaviour = {};
    expect((await fetchJwks(server.url, options())).keys).toEqual([KEY]);
  });

  it('refuses a server certificate from a CA it was not told to trust', async () => {
    server.behaviour = {};
    await expect(fetchJwks(server.url, { ...options(), ca: undefined })).rejects.toMatchObject({
      code: 'key_unresolvable',
      cause: expect.objectContaining({ message: expect.stringMatching(/certificate/) }),
    });
  });

  it('refuses a plain http:// URL without connecting', async () => {
    await expect(fetchJwks('http://127.0.0.1:9/jwks.json', options())).rejects.toThrow(
      'only fetched over https',
    );
  });

  it('refuses any status other than 200, and follows no redirect', async () => {
    server.behaviour = { status: 302 };
    await expect(fetchJwks(server.url, options())).rejects.toThrow(
      'redirect, which is not followed',
    );
    server.behaviour = { status: 500 };
    await expect(fetchJwks(server.url, options())).rejects.toThrow('HTTP 500');
  });

  it('stops reading a response larger than maxBytes', async () => {
    server.behaviour = { padBytes: 10_000 };
    await expect(fetchJwks(server.url, options())).rejects.toThrow('larger than 4096 bytes');
  });

  it('gives up at the timeout', async () => {
    server.behaviour = { delayMs: 500 };
    const started = Date.now();
    await expect(fetchJwks(server.url, { ...options(), timeoutMs: 100 })).rejects.toThrow(
      'did not answer within 100 ms',
    );
    expect(Date.now() - started).toBeLessThan(400);
  });
});
