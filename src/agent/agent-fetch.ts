import { createDpopProof } from './create-dpop-proof.js';
import { type SigningKey, signRequest } from './sign-request.js';

export interface AgentFetchOptions {
  /** The agent's key: signs every request (RFC 9421), or makes the DPoP proofs with `token`. */
  readonly key: SigningKey;
  /**
   * A DPoP-bound access token (`cnf.jkt` = this key's thumbprint). When set, each request carries
   * `Authorization: DPoP <token>` and a fresh proof instead of a signature: one credential per
   * request.
   */
  readonly token?: string;
  /** Extra headers to cover in the signature (e.g. `agent-purpose`); they must be sent. */
  readonly coverHeaders?: readonly string[];
  /** Signature `tag`; default the agent-authz profile's. */
  readonly tag?: string;
  /** The fetch to wrap; default the global one. */
  readonly fetch?: typeof fetch;
}

export type AgentFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * A `fetch` that presents the agent's identity on every request: an RFC 9421 signature with a
 * fresh nonce (and `content-digest` over the body), or — with a token — a DPoP proof. Bodies
 * must be strings or bytes, since the digest covers them; a stream is refused.
 */
export function agentFetch(options: AgentFetchOptions): AgentFetch {
  const send = options.fetch ?? fetch;
  return async (url, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = bodyBytes(init.body);
    const added =
      options.token === undefined
        ? signRequest({
            method,
            url,
            headers: Object.fromEntries(headers),
            ...(body === undefined ? {} : { body }),
            key: options.key,
            ...(options.coverHeaders === undefined ? {} : { coverHeaders: options.coverHeaders }),
            ...(options.tag === undefined ? {} : { tag: options.tag }),
          })
        : {
            authorization: `DPoP ${options.token}`,
            dpop: createDpopProof({
              privateJwk: options.key.privateJwk,
              method,
              url,
              accessToken: options.token,
            }),
          };
    for (const [name, value] of Object.entries(added)) headers.set(name, value);
    return send(url, { ...init, method, headers });
  };
}

function bodyBytes(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('agentFetch signs string or byte bodies only (the digest must cover it)');
}
