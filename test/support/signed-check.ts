import { type AgentKey, generateAgentKey, signRequest } from '../../src/agent/index.js';
import type { SignRequestInput } from '../../src/agent/sign-request.js';
import { envoyCheckRequest, type RequestShape } from './envoy-check-request.js';

export interface SignedCheck {
  /** The request the signature was made for. */
  readonly signed: RequestShape;
  readonly key: AgentKey;
  /** Envoy's CheckRequest for `sent` (defaults to what was signed) carrying the signature. */
  request(sent?: Partial<RequestShape>): object;
  readonly signature: Record<string, string>;
}

/**
 * Signs `shape` with the project's SDK at `createdSeconds`, and builds the CheckRequest for it —
 * or, to model tampering, for a request that differs from the signed one.
 */
export function signedCheck(
  shape: RequestShape,
  createdSeconds: number,
  options: Partial<Omit<SignRequestInput, 'method' | 'url' | 'headers' | 'body'>> & {
    key?: AgentKey;
  } = {},
): SignedCheck {
  const key = options.key ?? generateAgentKey();
  const signature = signRequest({
    method: shape.method,
    url: shape.url,
    headers: flatten(shape.headers),
    ...(shape.body === undefined ? {} : { body: shape.body }),
    created: createdSeconds,
    ...options,
    key,
  });
  return {
    signed: shape,
    key,
    signature,
    request: (sent = {}) => {
      const merged = { ...shape, ...sent };
      return envoyCheckRequest({ ...merged, headers: { ...merged.headers, ...signature } });
    },
  };
}

function flatten(headers: RequestShape['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : value,
    ]),
  );
}
