import type { CliIo } from '../../command-line/cli-io.js';
import { fileFailed } from '../../command-line/file-failed.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { type AgentKey, generateAgentKey } from '../generate-agent-key.js';
import { writePrivateFile } from './write-private-file.js';

const KEYGEN = {
  command: 'keygen',
  usage: `usage: agent-authz keygen [--type ed25519|p256] [--out FILE [--force]]

Creates an agent key and prints it as JSON: its did:key and did:jwk, key ids and public JWK.
  --type TYPE     ed25519 (default) or p256
  --out FILE      write the whole key, private part included, to FILE (mode 0600) and print
                  only the public facts; an existing FILE is an error
  --force         replace an existing FILE (the new file is 0600 too)
  -h, --help      show this help
Without --out the private JWK is printed too.
`,
  options: {
    type: { type: 'string', default: 'ed25519' },
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
} as const;

/**
 * `agent-authz keygen`: a new agent key as JSON. The key file and the SDK's AgentKey use the
 * same field names (`didKey`, `keyId`, `didJwk`, `didJwkKeyId`, `publicJwk`, `privateJwk`).
 */
export function keygen(args: string[], io: CliIo): void {
  const { values } = parseCommandArgs(KEYGEN, args);
  if (values.type !== 'ed25519' && values.type !== 'p256') {
    throw usageError(KEYGEN, '--type must be ed25519 or p256');
  }
  if (values.force && values.out === undefined) throw usageError(KEYGEN, '--force needs --out');
  const { type, didKey, keyId, didJwk, didJwkKeyId, publicJwk, privateJwk } = generateAgentKey({
    type: values.type,
  });
  const publicFacts = { type, didKey, keyId, didJwk, didJwkKeyId, publicJwk };
  const key: AgentKey = { ...publicFacts, privateJwk };
  if (values.out !== undefined) writeKeyFile(values.out, key, values.force);
  const shown = values.out === undefined ? key : publicFacts;
  io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
}

function writeKeyFile(path: string, key: AgentKey, force: boolean): void {
  try {
    writePrivateFile(path, `${JSON.stringify(key, null, 2)}\n`, force);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw fileFailed(
      'write',
      'key file',
      path,
      error,
      exists ? 'add --force to replace it' : undefined,
    );
  }
}
