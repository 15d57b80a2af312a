import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CommandFailed } from '../../command-line/cli-errors.js';
import { fileFailed } from '../../command-line/file-failed.js';
import { agentKeyFromJwk } from '../generate-agent-key.js';
import type { SigningKey } from '../sign-request.js';

const CREATE_ONE = 'create one with agent-authz keygen --out FILE';

/**
 * Reads a key file written by `agent-authz keygen`; `useDidJwk` signs as did:jwk instead. The
 * key ids are rebuilt from the private JWK, and a file whose `didKey` (or `did`, the name older
 * key files used) names another key is refused rather than signed with. Every failure is a
 * CommandFailed naming the file; none quotes the file's contents.
 */
export function readKeyFile(path: string, useDidJwk = false): SigningKey {
  const parsed = parseKeyFile(path);
  let key: ReturnType<typeof agentKeyFromJwk>;
  try {
    key = agentKeyFromJwk(parsed.privateJwk);
  } catch (error) {
    throw new CommandFailed(`${path}: privateJwk is not an Ed25519 or P-256 private key`, {
      cause: error,
      hint: CREATE_ONE,
    });
  }
  const named = parsed.didKey ?? parsed.did;
  if (named !== undefined && named !== key.didKey) {
    throw new CommandFailed(`${path}: didKey does not match its privateJwk`, {
      hint: 'the file was edited or mixed up with another: use the key file keygen wrote',
    });
  }
  return { privateJwk: key.privateJwk, keyId: useDidJwk ? key.didJwkKeyId : key.keyId };
}

function parseKeyFile(path: string): { privateJwk: JsonWebKey; didKey?: string; did?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileFailed('read', 'key file', path, error, CREATE_ONE);
  }
  let parsed: { privateJwk?: JsonWebKey; didKey?: string; did?: string } | null;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = null;
  }
  if (typeof parsed?.privateJwk !== 'object' || parsed.privateJwk === null) {
    throw new CommandFailed(`${path} is not a key file written by agent-authz keygen`, {
      hint: CREATE_ONE,
    });
  }
  return parsed as { privateJwk: JsonWebKey };
}
