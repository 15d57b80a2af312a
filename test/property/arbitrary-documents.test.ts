import { fc, test } from '@fast-check/vitest';
import { describe } from 'vitest';
import { didWebDocument, generateAgentKey } from '../../src/agent/index.js';
import { jwkToMultikey } from '../../src/keys/multikey.js';
import { anyText, jsonObject, jwkLike, printable } from '../support/arbitraries.js';
import { authzRequestOf } from '../support/authz-request-of.js';
import { expectSafeDecision } from '../support/expect-safe-decision.js';
import { networkFlags } from '../support/network-app.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { DIRECTORY_PATH, signWebBotAuth, webBotAuthKey } from '../support/sign-web-bot-auth.js';
import { signedCheck } from '../support/signed-check.js';
import { useDocumentHost } from '../support/start-document-host.js';

const host = useDocumentHost();
const engine = usePropertyEngine(networkFlags(host), { lookup: host.lookup });
const tally = useTally('test/property/arbitrary-documents');
const GET = { method: 'GET', url: 'https://api.example.com/orders?page=2' };
let hosts = 0;
/** A host name no earlier case used, so every case is fetched, never answered from a cache. */
const freshHost = () => `case${++hosts}.example.test`;

/** The key that signs every request; no served document or directory ever holds it. */
const signer = generateAgentKey();
/** Real keys that are not the signer's, listed under the id the signature names. */
const decoys = [generateAgentKey(), generateAgentKey({ type: 'p256' })];
const signerWba = webBotAuthKey();
const wbaDecoys = [webBotAuthKey(), webBotAuthKey('rsa')];

/** A verification method of any shape, sometimes a real decoy key under the signed key id. */
function verificationMethod(did: string) {
  const id = fc.oneof(
    fc.constant(`${did}#key-1`),
    fc.constant('#key-1'),
    printable.map((f) => `${did}#${f}`),
  );
  return fc.oneof(
    fc.record(
      {
        id,
        type: fc.constantFrom('JsonWebKey2020', 'Multikey', 'Ed25519VerificationKey2020', 'x'),
        controller: fc.oneof(fc.constant(did), printable),
        publicKeyJwk: fc.oneof(
          jwkLike,
          fc.constantFrom(...decoys.map((k) => k.publicJwk as Record<string, unknown>)),
        ),
        publicKeyMultibase: fc.oneof(
          printable,
          fc.constantFrom(...decoys.map((k) => jwkToMultikey(k.publicJwk))),
        ),
      },
      { requiredKeys: ['id'] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** A DID document for `did`: context, id and relationships each right, wrong or missing. */
function didDocument(did: string) {
  const reference = fc.oneof(
    fc.constant(`${did}#key-1`),
    fc.constant('#key-1'),
    printable,
    verificationMethod(did),
  );
  return fc.record(
    {
      '@context': fc.oneof(fc.constant(['https://www.w3.org/ns/did/v1']), fc.jsonValue()),
      id: fc.oneof(fc.constant(did), printable),
      verificationMethod: fc.oneof(
        fc.array(verificationMethod(did), { maxLength: 4 }),
        fc.jsonValue(),
      ),
      authentication: fc.oneof(fc.array(reference, { maxLength: 3 }), fc.jsonValue()),
      assertionMethod: fc.array(reference, { maxLength: 3 }),
      extra: jsonObject,
    },
    { requiredKeys: [] },
  );
}

/** A response: a document or directory body, or anything else, under a status and media type. */
function served(body: fc.Arbitrary<unknown>, mediaType: string) {
  return fc.record({
    status: fc.oneof(
      { arbitrary: fc.constant(200), weight: 6 },
      fc.constantFrom(204, 301, 404, 500),
    ),
    type: fc.oneof({ arbitrary: fc.constant(mediaType), weight: 4 }, fc.constantFrom('text/html')),
    body: fc.oneof(
      { arbitrary: body.map((json) => JSON.stringify(json)), weight: 6 },
      anyText,
      fc.constant(''),
    ),
  });
}

/** Stands for the case's DID in generated documents; replaced once the host name is known. */
const PLACEHOLDER = 'did:web:placeholder.example.test';

describe('the engine, resolving arbitrary documents', () => {
  const document = fc.oneof(
    didDocument(PLACEHOLDER),
    // A well-formed document naming a real key — not the signer's — as the signed key id.
    fc
      .constantFrom(...decoys)
      .map((decoy) => didWebDocument(PLACEHOLDER, decoy.publicJwk).document),
  );
  test.prop({ answer: served(document, 'application/did+json') }, { numRuns: runs(40) })(
    'denies a did:web signature whatever document the DID host serves without the signing key',
    async ({ answer }) => {
      // One host, a path per case: did:web:host%3Aport:caseN is fetched from /caseN/did.json.
      const name = `case${++hosts}`;
      const did = `did:web:docs.example.test%3A${host.port}:${name}`;
      host.serve('docs.example.test', `/${name}/did.json`, {
        status: answer.status,
        headers: { 'content-type': answer.type },
        body: answer.body.replaceAll(PLACEHOLDER, did),
      });
      const created = Math.floor(engine.now / 1000);
      const key = { ...signer, keyId: `${did}#key-1` };
      const headers = signedCheck(GET, created, { key }).signature;
      const request = authzRequestOf({ ...GET, headers });
      const decision = await engine.check(request);
      tally.countCase(decision.allowed ? 'allow' : decision.reason);
      expectSafeDecision(decision, request, { tokens: false, errors: engine.errors });
    },
  );

  const directoryKey = fc.oneof(
    jwkLike,
    fc.constantFrom(...wbaDecoys.map((k) => k.publicJwk as Record<string, unknown>)),
    // The signer's key type and curve with another key's x: a near miss.
    fc.constant({ ...signerWba.publicJwk, x: wbaDecoys[0]!.publicJwk.x }),
  );
  const directory = fc.oneof(
    fc.constant({ keys: wbaDecoys.map((k) => ({ ...k.publicJwk, use: 'sig' })) }),
    fc.record(
      { keys: fc.array(directoryKey, { maxLength: 4 }), extra: jsonObject },
      { requiredKeys: ['keys'] },
    ),
    fc.record({ keys: fc.jsonValue() }),
    fc.jsonValue({ maxDepth: 3 }),
  );
  test.prop(
    {
      answer: served(directory, 'application/http-message-signatures-directory+json'),
      form: fc.constantFrom<'dictionary' | 'string'>('dictionary', 'string'),
    },
    { numRuns: runs(30) },
  )(
    'denies a Web Bot Auth signature whatever key directory the agent host serves without its key',
    async ({ answer, form }) => {
      const hostname = freshHost();
      host.serve(hostname, DIRECTORY_PATH, {
        status: answer.status,
        headers: { 'content-type': answer.type },
        body: answer.body,
      });
      const headers = signWebBotAuth(GET, signerWba, {
        agent: host.origin(hostname),
        form,
        created: Math.floor(engine.now / 1000),
      });
      const request = authzRequestOf({ ...GET, headers });
      const decision = await engine.check(request);
      tally.countCase(decision.allowed ? 'allow' : decision.reason);
      expectSafeDecision(decision, request, { tokens: false, errors: engine.errors });
    },
  );
});
