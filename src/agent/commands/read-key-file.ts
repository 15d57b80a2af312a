import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { agentKeyFromJwk } from '../generate-agent-key.js';
import type { SigningKey } from '../sign-request.js';

/**
 * Reads a key file written by `agent-authz keygen`; `useDidJwk` signs as did:jwk instead. The
 * key ids are rebuilt from the private JWK, and a file whose `didKey` (or `did`, the name older
 * key files used) names another key is refused rather than signed with.
 */
export function readKeyFile(path: string, useDidJwk = false): SigningKey {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as {
    privateJwk?: JsonWebKey;
    didKey?: string;
    did?: string;
  };
  if (parsed.privateJwk === undefined) {
    throw new Error(`${path} is not a key file written by agent-authz keygen`);
  }
  const key = agentKeyFromJwk(parsed.privateJwk);
  const named = parsed.didKey ?? parsed.did;
  if (named !== undefined && named !== key.didKey) {
    throw new Error(`${path}: didKey does not match its privateJwk`);
  }
  return { privateJwk: key.privateJwk, keyId: useDidJwk ? key.didJwkKeyId : key.keyId };
}
