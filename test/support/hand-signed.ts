import { createPrivateKey, randomUUID } from 'node:crypto';
import type { AgentKey } from '../../src/agent/index.js';
import { signSignatureBase } from '../../src/agent/sign-signature-base.js';

/** One signature-base line: the serialised component identifier and the value signed for it. */
export type BaseLine = readonly [identifier: string, value: string];

export interface HandSigned {
  /** The signature base exactly as signed. */
  readonly base: string;
  /** `signature-input` and `signature` for label `sig1`. */
  readonly headers: Record<'signature-input' | 'signature', string>;
}

/**
 * Signs a signature base written out line by line (RFC 9421 §2.5), without the verifier's code:
 * the test says what the signer signed, byte for byte, and the server must agree or refuse.
 * `params` is the `@signature-params` parameter text; by default the agent-authz profile's
 * `created`, `keyid`, `nonce` and `tag`.
 */
export function handSigned(
  key: AgentKey,
  lines: readonly BaseLine[],
  createdSeconds: number,
  params = `;created=${createdSeconds};keyid="${key.keyId}";nonce="${randomUUID()}";tag="agent-authz"`,
): HandSigned {
  const inner = `(${lines.map(([identifier]) => identifier).join(' ')})${params}`;
  let base = '';
  for (const [identifier, value] of lines) base += `${identifier}: ${value}\n`;
  base += `"@signature-params": ${inner}`;
  const privateKey = createPrivateKey({ key: key.privateJwk, format: 'jwk' });
  const signature = signSignatureBase(privateKey, base).toString('base64');
  return {
    base,
    headers: { 'signature-input': `sig1=${inner}`, signature: `sig1=:${signature}:` },
  };
}

/** The http attributes of a CheckRequest built by envoyCheckRequest, to edit in place. */
interface HttpAttributes {
  host: string;
  header_map?: { headers: Array<{ key: string; raw_value: Buffer }> };
  headers?: Record<string, string>;
}

/**
 * Sets `:authority` as a client sent it, which `new URL` would have changed (IDNA maps
 * U+212A KELVIN SIGN to `k`): the `host` attribute and the `:authority` pseudo-header line.
 */
export function withAuthority(request: object, authority: string): object {
  const http = (request as { attributes: { request: { http: HttpAttributes } } }).attributes.request
    .http;
  http.host = authority;
  for (const line of http.header_map?.headers ?? []) {
    if (line.key === ':authority') line.raw_value = Buffer.from(authority);
  }
  if (http.headers !== undefined) http.headers[':authority'] = authority;
  return request;
}
