import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SigningKey } from '../sign-request.js';

/** Reads a key file written by `agent-authz keygen`; `useDidJwk` signs as did:jwk instead. */
export function readKeyFile(path: string, useDidJwk = false): SigningKey {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as {
    privateJwk?: JsonWebKey;
    keyId?: string;
    didJwkKeyId?: string;
  };
  const keyId = useDidJwk ? parsed.didJwkKeyId : parsed.keyId;
  if (parsed.privateJwk === undefined || keyId === undefined) {
    throw new Error(`${path} is not a key file written by agent-authz keygen`);
  }
  return { privateJwk: parsed.privateJwk, keyId };
}
