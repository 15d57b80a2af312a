import { beforeAll, describe, expect, it } from 'vitest';
import { generateAgentKey, jwkThumbprint } from '../../src/agent/index.js';
import { signCompactJws } from '../../src/agent/sign-compact-jws.js';
import { pemCertificateThumbprint } from '../../src/binding/certificate-thumbprint.js';
import { problem, setHeaders } from '../support/envoy-client.js';
import { useTestApp } from '../support/start-test-app.js';
import { createTestCa, type TestCertificate } from '../support/test-pki.js';
import { AUDIENCE, bearerRequest, didIssuer, dpopRequest } from '../support/token-check.js';

/*
 * A token whose `cnf` names both a DPoP key (`jkt`) and a client certificate (`x5t#S256`) is
 * bound to both: the proof key and the certificate Envoy saw must each match.
 */
const issuer = didIssuer();
const server = useTestApp(issuer.flags);
const URL_TEXT = 'https://api.example.com/ledger';
const agent = generateAgentKey({ type: 'p256' });

let bound: TestCertificate;
let stranger: TestCertificate;
beforeAll(async () => {
  const ca = await createTestCa();
  bound = await ca.issue({ commonName: 'billing-agent' });
  stranger = await ca.issue({ commonName: 'someone-else' });
});

/** A token bound to `agent`'s key and to the `bound` certificate at once. */
function doublyBoundToken(): string {
  const iat = Math.floor(server.now / 1000);
  return signCompactJws(
    { typ: 'at+jwt', alg: 'EdDSA', kid: issuer.key.keyId },
    {
      iss: issuer.key.didKey,
      sub: 'did:web:agents.example.com:billing',
      aud: AUDIENCE,
      iat,
      exp: iat + 300,
      jti: `dual-${Math.random()}`,
      cnf: {
        jkt: jwkThumbprint(agent.publicJwk as Record<string, unknown>),
        'x5t#S256': pemCertificateThumbprint(bound.pem),
      },
    },
    issuer.key.privateJwk,
  );
}

function overDpop(certificate: string | undefined) {
  return server.client.check(
    dpopRequest({
      method: 'GET',
      url: URL_TEXT,
      token: doublyBoundToken(),
      agent,
      iatSeconds: Math.floor(server.now / 1000),
      ...(certificate === undefined ? {} : { certificate }),
    }),
  );
}

describe('a token bound to both a DPoP key and a client certificate', () => {
  it('is allowed over DPoP from the holder of the key and the certificate', async () => {
    const response = await overDpop(bound.envoyCertificate);
    expect(setHeaders(response)).toMatchObject({
      'x-agent-profile': 'dpop',
      'x-agent-id': 'did:web:agents.example.com:billing',
    });
  });

  it('is denied binding_mismatch over DPoP with another client certificate', async () => {
    expect(problem(await overDpop(stranger.envoyCertificate))).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the client certificate is not the one the token is bound to',
    });
  });

  it('is denied binding_mismatch over DPoP without a client certificate', async () => {
    expect(problem(await overDpop(undefined))).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'the token is bound to a client certificate and none was presented',
    });
  });

  it('is denied binding_mismatch as Bearer even with the right certificate', async () => {
    const response = await server.client.check(
      bearerRequest({
        method: 'GET',
        url: URL_TEXT,
        token: doublyBoundToken(),
        certificate: bound.envoyCertificate,
      }),
    );
    expect(problem(response)).toMatchObject({
      reason: 'binding_mismatch',
      detail: 'a DPoP-bound token must be sent with the DPoP scheme',
    });
  });
});
