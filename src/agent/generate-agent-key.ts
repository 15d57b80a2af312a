import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { jwkToMultikey } from '../keys/multikey.js';
import { publicJwkOf } from './sign-compact-jws.js';

export type AgentKeyType = 'ed25519' | 'p256';

/** An agent's signing key and the DIDs that name it. Keep `privateJwk` secret. */
export interface AgentKey {
  readonly type: AgentKeyType;
  readonly privateJwk: JsonWebKey;
  readonly publicJwk: JsonWebKey;
  /** `did:key:z…` — resolvable offline by any verifier. */
  readonly didKey: string;
  /** The key id to sign with: `did:key:z…#z…`. */
  readonly keyId: string;
  /** `did:jwk:…` naming the same key, and its key id `did:jwk:…#0`. */
  readonly didJwk: string;
  readonly didJwkKeyId: string;
}

/** Generates an Ed25519 (default) or P-256 key with its did:key and did:jwk identifiers. */
export function generateAgentKey(options: { type?: AgentKeyType } = {}): AgentKey {
  const type = options.type ?? 'ed25519';
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return agentKeyFromJwk(pair.privateKey.export({ format: 'jwk' }));
}

/** Rebuilds an AgentKey from a stored private JWK (what `agent-authz keygen` writes). */
export function agentKeyFromJwk(privateJwk: JsonWebKey): AgentKey {
  const type: AgentKeyType = privateJwk.kty === 'OKP' ? 'ed25519' : 'p256';
  const publicJwk = publicJwkOf(privateJwk);
  const multikey = jwkToMultikey(
    publicJwk as { kty?: string; crv?: string; x?: string; y?: string },
  );
  const didKey = `did:key:${multikey}`;
  const didJwk = `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
  return {
    type,
    privateJwk,
    publicJwk,
    didKey,
    keyId: `${didKey}#${multikey}`,
    didJwk,
    didJwkKeyId: `${didJwk}#0`,
  };
}
