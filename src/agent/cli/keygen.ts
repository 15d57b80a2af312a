import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type AgentKeyType, generateAgentKey } from '../generate-agent-key.js';

/**
 * `agent-authz keygen [--type ed25519|p256] [--out FILE]`: a new agent key as JSON. With
 * `--out`, the file (mode 0600) holds the private key and stdout shows only public facts.
 */
export function keygen(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: { type: { type: 'string', default: 'ed25519' }, out: { type: 'string' } },
  });
  if (values.type !== 'ed25519' && values.type !== 'p256') {
    throw new Error('--type must be ed25519 or p256');
  }
  const key = generateAgentKey({ type: values.type as AgentKeyType });
  const publicFacts = {
    did: key.didKey,
    keyId: key.keyId,
    didJwk: key.didJwk,
    didJwkKeyId: key.didJwkKeyId,
    publicJwk: key.publicJwk,
  };
  if (values.out === undefined) {
    process.stdout.write(
      `${JSON.stringify({ ...publicFacts, privateJwk: key.privateJwk }, null, 2)}\n`,
    );
    return;
  }
  writeFileSync(
    values.out,
    `${JSON.stringify({ ...publicFacts, privateJwk: key.privateJwk }, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
  process.stdout.write(`${JSON.stringify(publicFacts, null, 2)}\n`);
}
