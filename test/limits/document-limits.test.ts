import { describe, expect, it } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { envoyCheckRequest } from '../support/envoy-check-request.js';
import { problem, type UpstreamCheckResponse } from '../support/envoy-client.js';
import { DID_JSON, networkFlags } from '../support/network-app.js';
import {
  DIRECTORY_PATH,
  DIRECTORY_TYPE,
  signWebBotAuth,
  webBotAuthKey,
} from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * resolver.maxBytes and resolver.maxKeys at their edges, for did:web documents and Web Bot Auth
 * key directories: a document of exactly the limit is used, one byte or one key more is refused.
 */
const MAX_BYTES = 4096;
const MAX_KEYS = 4;
const host = useDocumentHost();
const server = useTestApp(
  networkFlags(host, [`--resolver.max-bytes=${MAX_BYTES}`, `--resolver.max-keys=${MAX_KEYS}`]),
  { lookup: host.lookup },
);
const GET = { method: 'GET', url: 'https://api.example.com/orders' };

/** `json` followed by spaces up to exactly `bytes` (JSON allows trailing whitespace). */
function padded(json: unknown, bytes: number): string {
  const text = JSON.stringify(json);
  expect(text.length).toBeLessThanOrEqual(bytes);
  return text + ' '.repeat(bytes - text.length);
}

/** A did:web whose document lists the signing key and `extraMethods` other keys. */
function didWebCheck(name: string, options: { bytes?: number; extraMethods?: number }) {
  const hostname = `${name}.example.test`;
  const did = `did:web:${hostname}%3A${host.port}`;
  const key = generateAgentKey();
  const { document, keyId } = didWebDocument(did, key.publicJwk);
  const others = Array.from({ length: options.extraMethods ?? 0 }, (_, index) => {
    const { kty, crv, x } = generateAgentKey().publicJwk;
    return {
      id: `${did}#other-${index}`,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: { kty, crv, x },
    };
  });
  const full = {
    ...document,
    verificationMethod: [...(document.verificationMethod as object[]), ...others],
  };
  const body = options.bytes === undefined ? JSON.stringify(full) : padded(full, options.bytes);
  host.serve(hostname, '/.well-known/did.json', { headers: DID_JSON, body });
  return server.client.check(
    signedCheck(GET, Math.floor(server.now / 1000), { key: { ...key, keyId } }).request(),
  );
}

/** A Web Bot Auth agent whose directory lists its key and `extraKeys` others. */
function directoryCheck(name: string, options: { bytes?: number; extraKeys?: number }) {
  const hostname = `${name}.example.test`;
  const key = webBotAuthKey();
  const keys = [key, ...Array.from({ length: options.extraKeys ?? 0 }, () => webBotAuthKey())];
  const directory = { keys: keys.map((each) => ({ ...each.publicJwk, use: 'sig' })) };
  const body =
    options.bytes === undefined ? JSON.stringify(directory) : padded(directory, options.bytes);
  host.serve(hostname, DIRECTORY_PATH, { headers: DIRECTORY_TYPE, body });
  const headers = signWebBotAuth(GET, key, {
    agent: host.origin(hostname),
    created: Math.floor(server.now / 1000),
  });
  return server.client.check(envoyCheckRequest({ ...GET, headers }));
}

function expectUnresolvable(response: UpstreamCheckResponse, detail: string): void {
  expect(response.ok_response).toBeUndefined();
  expect(problem(response)).toMatchObject({ reason: 'key_unresolvable', detail });
}

describe('resolver.maxBytes', () => {
  it('accepts a did:web document of exactly resolver.maxBytes and refuses one byte more', async () => {
    expect((await didWebCheck('size-at', { bytes: MAX_BYTES })).ok_response).toBeDefined();
    expectUnresolvable(
      await didWebCheck('size-over', { bytes: MAX_BYTES + 1 }),
      `the document is larger than ${MAX_BYTES} bytes`,
    );
  });

  it('accepts a key directory of exactly resolver.maxBytes and refuses one byte more', async () => {
    expect((await directoryCheck('dir-size-at', { bytes: MAX_BYTES })).ok_response).toBeDefined();
    expectUnresolvable(
      await directoryCheck('dir-size-over', { bytes: MAX_BYTES + 1 }),
      `the document is larger than ${MAX_BYTES} bytes`,
    );
  });
});

describe('resolver.maxKeys', () => {
  it('accepts a did:web document listing exactly resolver.maxKeys keys and refuses one more', async () => {
    const before = server.app.fetchCounters.invalid;
    expect(
      (await didWebCheck('keys-at', { extraMethods: MAX_KEYS - 1 })).ok_response,
    ).toBeDefined();
    expectUnresolvable(
      await didWebCheck('keys-over', { extraMethods: MAX_KEYS }),
      `the document lists more than ${MAX_KEYS} keys`,
    );
    expect(server.app.fetchCounters.invalid).toBe(before + 1);
  });

  it('accepts a key directory listing exactly resolver.maxKeys keys and refuses one more', async () => {
    expect(
      (await directoryCheck('dir-keys-at', { extraKeys: MAX_KEYS - 1 })).ok_response,
    ).toBeDefined();
    expectUnresolvable(
      await directoryCheck('dir-keys-over', { extraKeys: MAX_KEYS }),
      `the document lists more than ${MAX_KEYS} keys`,
    );
  });
});
