import { createDpopProof } from './create-dpop-proof.js';
import { forwardedUrl } from './forwarded-url.js';
import { type SigningKey, type SignRequestInput, signRequest } from './sign-request.js';

/** How each request is signed, beyond the defaults (see SignRequestInput). */
type SigningChoices = Pick<
  SignRequestInput,
  | 'webBotAuth'
  | 'components'
  | 'coverHeaders'
  | 'tag'
  | 'label'
  | 'expiresIn'
  | 'includeAlg'
  | 'pathAsIs'
>;

export interface AgentFetchOptions extends SigningChoices {
  /** The agent's key: signs every request (RFC 9421), or makes the DPoP proofs with `token`. */
  readonly key: SigningKey;
  /**
   * A DPoP-bound access token (`cnf.jkt` = this key's thumbprint). When set, each request carries
   * `Authorization: DPoP <token>` and a fresh proof instead of a signature: one credential per
   * request.
   */
  readonly token?: string;
  /** The fetch to wrap; default the global one. */
  readonly fetch?: typeof fetch;
}

export type AgentFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * A `fetch` that presents the agent's identity on every request: an RFC 9421 signature with a
 * fresh nonce (and `content-digest` over the body), or — with a token — a DPoP proof. Bodies
 * must be strings or bytes, since the digest covers them; a stream is refused. The URL is sent
 * with its path in the form Envoy forwards, the one signed (see `forwardedUrl`), unless
 * `pathAsIs`; a path Envoy would refuse or redirect is refused before anything is sent.
 */
export function agentFetch(options: AgentFetchOptions): AgentFetch {
  const send = options.fetch ?? fetch;
  return async (target, init = {}) => {
    const url = forwardedUrl(target, options);
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
            ...signingChoices(options),
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

/**
 * The signing options that were given: a Web Bot Auth agent (`webBotAuth`) sends its
 * `Signature-Agent` in the chosen generation, keyid = thumbprint, tag `web-bot-auth`.
 */
function signingChoices(options: AgentFetchOptions): SigningChoices {
  const { webBotAuth, components, coverHeaders, tag, label, expiresIn, includeAlg, pathAsIs } =
    options;
  const chosen = {
    webBotAuth,
    components,
    coverHeaders,
    tag,
    label,
    expiresIn,
    includeAlg,
    pathAsIs,
  };
  return Object.fromEntries(
    Object.entries(chosen).filter(([, value]) => value !== undefined),
  ) as SigningChoices;
}

function bodyBytes(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('agentFetch signs string or byte bodies only (the digest must cover it)');
}
