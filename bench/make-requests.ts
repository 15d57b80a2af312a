import { randomUUID } from 'node:crypto';
import { generateAgentKey, signRequest } from '../src/agent/index.js';
import { envoyCheckRequest, type RequestShape } from '../test/support/envoy-check-request.js';
import { signWebBotAuth, webBotAuthKey } from '../test/support/sign-web-bot-auth.js';
import {
  AUDIENCE,
  bearerRequest,
  didIssuer,
  dpopRequest,
  issuedToken,
} from '../test/support/token-check.js';

/** What a scenario sends; each kind builds Envoy CheckRequests the way Envoy would. */
export type RequestKind =
  | 'unsigned'
  | 'signed-ed25519'
  | 'signed-p256'
  | 'dpop'
  | 'mtls'
  | 'web-bot-auth';

/** Made once by the orchestrator and shared with every scenario. */
export interface SharedMaterial {
  /** A client certificate (PEM) for certificate-bound tokens. */
  readonly clientCertificatePem: string;
  /** The HTTPS origin serving Web Bot Auth key directories, and the CA file that trusts it. */
  readonly directoryOrigin: string;
  readonly caFile: string;
}

export interface PreparedRequests {
  /** Server config fields this scenario needs, merged into the bench's base config. */
  readonly config: Record<string, unknown>;
  /** Public JWKs to publish in the Web Bot Auth key directory. */
  readonly directoryKeys: readonly object[];
  /** Whether every request must be new (its nonce or proof is replay-protected). */
  readonly fresh: boolean;
  /** A new CheckRequest, signed now. */
  next(): object;
}

const TOKEN_LIFETIME_S = 3600;

/** A request shape as an agent calling an API through Envoy would send it. */
function shape(): RequestShape {
  return {
    method: 'GET',
    url: `https://api.example.com/orders/${randomUUID()}?page=2`,
    headers: { accept: 'application/json', 'accept-encoding': 'gzip, br' },
    principal: 'spiffe://cluster.local/ns/billing/sa/agent',
  };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Keys, tokens and config for one scenario's requests. */
export function prepareRequests(kind: RequestKind, shared: SharedMaterial): PreparedRequests {
  switch (kind) {
    case 'unsigned':
      return reusable({}, () => envoyCheckRequest(shape()));
    case 'signed-ed25519':
    case 'signed-p256':
      return signedRequests(kind === 'signed-ed25519' ? 'ed25519' : 'p256');
    case 'dpop':
      return dpopRequests();
    case 'mtls':
      return certificateBoundRequests(shared);
    case 'web-bot-auth':
      return webBotAuthRequests(shared);
  }
}

function reusable(config: Record<string, unknown>, next: () => object): PreparedRequests {
  return { config, directoryKeys: [], fresh: false, next };
}

function signedRequests(type: 'ed25519' | 'p256'): PreparedRequests {
  const key = generateAgentKey({ type });
  return {
    config: {},
    directoryKeys: [],
    fresh: true,
    next: () => {
      const request = shape();
      const signature = signRequest({
        method: request.method,
        url: request.url,
        key,
        created: nowSeconds(),
      });
      return envoyCheckRequest({ ...request, headers: { ...request.headers, ...signature } });
    },
  };
}

function tokenConfig(issuerDid: string): Record<string, unknown> {
  return { issuers: [{ did: issuerDid }], tokens: { audiences: [AUDIENCE] } };
}

function dpopRequests(): PreparedRequests {
  const issuer = didIssuer();
  const agent = generateAgentKey({ type: 'p256' });
  const token = issuedToken(issuer.key, nowSeconds(), {
    bindKey: agent.publicJwk,
    expiresIn: TOKEN_LIFETIME_S,
  });
  return {
    config: tokenConfig(issuer.key.didKey),
    directoryKeys: [],
    fresh: true,
    next: () => dpopRequest({ ...shape(), token, agent, iatSeconds: nowSeconds() }),
  };
}

function certificateBoundRequests(shared: SharedMaterial): PreparedRequests {
  const issuer = didIssuer();
  const token = issuedToken(issuer.key, nowSeconds(), {
    bindCertificatePem: shared.clientCertificatePem,
    expiresIn: TOKEN_LIFETIME_S,
  });
  const certificate = encodeURIComponent(shared.clientCertificatePem);
  return reusable(tokenConfig(issuer.key.didKey), () =>
    bearerRequest({ ...shape(), token, certificate }),
  );
}

function webBotAuthRequests(shared: SharedMaterial): PreparedRequests {
  const key = webBotAuthKey('ed25519');
  return {
    config: {
      resolver: {
        network: true,
        allowPrivateNetworks: true,
        caFile: shared.caFile,
        maxWait: '2s',
      },
      // resolver.maxWait must stay below the check deadline: the first check waits for the
      // directory, every later one is answered from the cache.
      limits: { checkTimeout: '3s' },
    },
    directoryKeys: [{ ...key.publicJwk, use: 'sig' }],
    fresh: true,
    next: () => {
      const request = shape();
      const headers = signWebBotAuth(request, key, {
        agent: shared.directoryOrigin,
        created: nowSeconds(),
        expiresIn: 300,
      });
      return envoyCheckRequest({ ...request, headers: { ...request.headers, ...headers } });
    },
  };
}
