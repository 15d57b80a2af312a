import {
  type AgentKey,
  createDpopProof,
  generateAgentKey,
  mintToken,
} from '../../src/agent/index.js';
import { envoyCheckRequest, type RequestShape } from './envoy-check-request.js';

/** The audience the token tests' server accepts. */
export const AUDIENCE = 'https://api.example.com';

/** A DID issuer (did:key) and the config flags that trust it for AUDIENCE. */
export function didIssuer(key: AgentKey = generateAgentKey()) {
  return {
    key,
    flags: [`--issuers=${JSON.stringify([{ did: key.didKey }])}`, `--tokens.audiences=${AUDIENCE}`],
  };
}

/** A CheckRequest carrying `Authorization: DPoP <token>` and a DPoP proof made by `agent`. */
export function dpopRequest(
  shape: RequestShape & { token: string; agent: AgentKey; iatSeconds: number; proof?: string },
): object {
  const proof =
    shape.proof ??
    createDpopProof({
      privateJwk: shape.agent.privateJwk,
      method: shape.method,
      url: shape.url,
      accessToken: shape.token,
      iat: shape.iatSeconds,
    });
  return envoyCheckRequest({
    ...shape,
    headers: { ...shape.headers, authorization: `DPoP ${shape.token}`, dpop: proof },
  });
}

/** A CheckRequest carrying `Authorization: Bearer <token>`, with the peer certificate if any. */
export function bearerRequest(shape: RequestShape & { token: string }): object {
  return envoyCheckRequest({
    ...shape,
    headers: { ...shape.headers, authorization: `Bearer ${shape.token}` },
  });
}

/** A token from `issuer` for AUDIENCE, issued at `iatSeconds`. */
export function issuedToken(
  issuer: AgentKey,
  iatSeconds: number,
  options: Partial<Parameters<typeof mintToken>[0]> = {},
): string {
  return mintToken({
    issuer,
    subject: 'did:web:agents.example.com:billing',
    audience: AUDIENCE,
    iat: iatSeconds,
    ...options,
  });
}
