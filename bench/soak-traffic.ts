import { randomBytes, randomUUID } from 'node:crypto';
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
import { encodeCheckFrame } from './check-messages.js';

/** What the answer to a soak request must be. */
export type Expectation =
  /** Allowed with `x-agent-verified: true`. */
  | 'verified'
  /** Allowed as unsigned: `x-agent-verified: false`, every inbound `x-agent-*` removed. */
  | 'unverified'
  /** Denied with a reason (never `internal_error`). */
  | 'denied';

export interface SoakRequest {
  readonly kind: string;
  readonly frame: Buffer;
  readonly expect: Expectation;
  /** Hostile traffic: one allowed means the soak fails. */
  readonly hostile: boolean;
  /** Identity headers the request forged: each must be removed or overwritten. */
  readonly forged?: readonly string[];
}

export interface SoakMaterial {
  readonly clientCertificatePem: string;
  readonly otherCertificatePem: string;
  readonly directoryOrigin: string;
  /** Seconds the tokens must stay valid. */
  readonly lifetimeSeconds: number;
}

export interface SoakTraffic {
  /** Server config fields the mix needs (token issuer, key directory resolution). */
  readonly config: Record<string, unknown>;
  /** Public JWKs to publish in the Web Bot Auth key directory. */
  readonly directoryKeys: readonly object[];
  next(): SoakRequest;
  /** Told about a verified signed request once answered: it becomes replay material. */
  answered(request: SoakRequest): void;
}

const PRINCIPAL = 'spiffe://cluster.local/ns/billing/sa/agent';
const FORGED_NAMES = ['x-agent-id', 'x-agent-verified', 'x_agent_trust'];
const nowSeconds = () => Math.floor(Date.now() / 1000);
const shape = (): RequestShape => ({
  method: 'GET',
  url: `https://api.example.com/orders/${randomUUID()}?page=2`,
  headers: { accept: 'application/json' },
  principal: PRINCIPAL,
});

/**
 * The soak's traffic: legitimate agents of every profile and unsigned callers, mixed with
 * hostile requests — forged identity headers, broken signatures, replays, oversized headers,
 * stolen bound tokens. Weights are per 16 requests.
 */
export function createSoakTraffic(material: SoakMaterial): SoakTraffic {
  const ed25519 = generateAgentKey();
  const p256 = generateAgentKey({ type: 'p256' });
  const issuer = didIssuer();
  const dpopAgent = generateAgentKey({ type: 'p256' });
  const attacker = generateAgentKey({ type: 'p256' });
  const lifetime = { expiresIn: material.lifetimeSeconds };
  const dpopToken = issuedToken(issuer.key, nowSeconds(), {
    bindKey: dpopAgent.publicJwk,
    ...lifetime,
  });
  const mtlsToken = issuedToken(issuer.key, nowSeconds(), {
    bindCertificatePem: material.clientCertificatePem,
    ...lifetime,
  });
  const certificate = encodeURIComponent(material.clientCertificatePem);
  const otherCertificate = encodeURIComponent(material.otherCertificatePem);
  const wba = webBotAuthKey();
  const replays: Buffer[] = [];

  const signed = (key: typeof ed25519, extra: Record<string, string> = {}) => {
    const request = shape();
    const signature = signRequest({ method: 'GET', url: request.url, key, created: nowSeconds() });
    return envoyCheckRequest({
      ...request,
      headers: { ...request.headers, ...signature, ...extra },
    });
  };
  const badSignature = () => {
    const request = shape();
    const headers = signRequest({
      method: 'GET',
      url: request.url,
      key: ed25519,
      created: nowSeconds(),
    });
    // The last base64 character before the closing colon changed: a different signature byte.
    const at = headers.signature!.length - 3;
    const swapped = headers.signature![at] === 'A' ? 'B' : 'A';
    headers.signature =
      headers.signature!.slice(0, at) + swapped + headers.signature!.slice(at + 1);
    return envoyCheckRequest({ ...request, headers: { ...request.headers, ...headers } });
  };
  const kinds: Array<{ kind: string; weight: number; expect: Expectation; make: () => object }> = [
    { kind: 'signed-ed25519', weight: 2, expect: 'verified', make: () => signed(ed25519) },
    { kind: 'signed-p256', weight: 1, expect: 'verified', make: () => signed(p256) },
    {
      kind: 'dpop',
      weight: 1,
      expect: 'verified',
      make: () =>
        dpopRequest({ ...shape(), token: dpopToken, agent: dpopAgent, iatSeconds: nowSeconds() }),
    },
    {
      kind: 'mtls',
      weight: 2,
      expect: 'verified',
      make: () => bearerRequest({ ...shape(), token: mtlsToken, certificate }),
    },
    {
      kind: 'web-bot-auth',
      weight: 1,
      expect: 'verified',
      make: () => {
        const request = shape();
        const headers = signWebBotAuth(request, wba, {
          agent: material.directoryOrigin,
          created: nowSeconds(),
          expiresIn: 300,
        });
        return envoyCheckRequest({ ...request, headers: { ...request.headers, ...headers } });
      },
    },
    { kind: 'unsigned', weight: 2, expect: 'unverified', make: () => envoyCheckRequest(shape()) },
    {
      kind: 'forged-identity-headers',
      weight: 1,
      expect: 'unverified',
      make: () => {
        const request = shape();
        const values = [ed25519.didKey, 'true', 'trusted'];
        const forged = Object.fromEntries(FORGED_NAMES.map((name, i) => [name, values[i]!]));
        return envoyCheckRequest({ ...request, headers: { ...request.headers, ...forged } });
      },
    },
    { kind: 'bad-signature', weight: 1, expect: 'denied', make: badSignature },
    { kind: 'replay', weight: 1, expect: 'denied', make: () => ({}) },
    {
      kind: 'oversized-headers',
      weight: 1,
      expect: 'denied',
      make: () => {
        const components = Array.from({ length: 2000 }, (_, i) => `"x-h${i}"`).join(' ');
        const input = `sig1=(${components});created=${nowSeconds()};keyid="${ed25519.keyId}";nonce="${randomBytes(8).toString('hex')}"`;
        return envoyCheckRequest({
          ...shape(),
          headers: {
            'signature-input': input,
            signature: `sig1=:${randomBytes(64).toString('base64')}:`,
          },
        });
      },
    },
    {
      kind: 'stolen-dpop-token',
      weight: 1,
      expect: 'denied',
      make: () =>
        dpopRequest({ ...shape(), token: dpopToken, agent: attacker, iatSeconds: nowSeconds() }),
    },
    {
      kind: 'stolen-certificate-bound-token',
      weight: 1,
      expect: 'denied',
      make: () => bearerRequest({ ...shape(), token: mtlsToken, certificate: otherCertificate }),
    },
  ];
  const wheel = kinds.flatMap((k) => Array.from({ length: k.weight }, () => k));
  let turn = 0;
  return {
    config: {
      issuers: [{ did: issuer.key.didKey }],
      tokens: { audiences: [AUDIENCE] },
    },
    directoryKeys: [{ ...wba.publicJwk, use: 'sig' }],
    next: () => {
      const chosen = wheel[turn++ % wheel.length]!;
      const hostile = chosen.expect !== 'verified' && chosen.kind !== 'unsigned';
      if (chosen.kind === 'replay') {
        const frame = replays.shift();
        if (frame !== undefined) return { kind: 'replay', frame, expect: 'denied', hostile };
        return {
          kind: 'bad-signature',
          frame: encodeCheckFrame(badSignature()),
          expect: 'denied',
          hostile,
        };
      }
      const frame = encodeCheckFrame(chosen.make());
      const forged = chosen.kind === 'forged-identity-headers' ? FORGED_NAMES : undefined;
      return {
        kind: chosen.kind,
        frame,
        expect: chosen.expect,
        hostile,
        ...(forged ? { forged } : {}),
      };
    },
    answered: (request) => {
      if (request.kind === 'signed-ed25519' && replays.length < 64) replays.push(request.frame);
    },
  };
}

/** Kinds in the mix, for the report. */
export const LEGITIMATE = [
  'signed-ed25519',
  'signed-p256',
  'dpop',
  'mtls',
  'web-bot-auth',
  'unsigned',
];
