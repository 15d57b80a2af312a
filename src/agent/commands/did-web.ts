import type { CliIo } from '../../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { didWebUrl } from '../../keys/did-web-url.js';
import { didWebDocument } from '../did-web-document.js';
import { readKeyFile } from './read-key-file.js';

const DID_WEB = {
  command: 'did-web',
  usage: `usage: agent-authz did-web --key FILE --did did:web:HOST[:PATH] [options]

Prints the did.json to host for the key (public key only) on stdout; stderr says where to host
it and which keyid to sign with.

options:
  --key FILE             key file written by agent-authz keygen (required)
  --did DID              the did:web identifier, e.g. did:web:agents.example.com:billing (required)
  --fragment NAME        verification method fragment (default key-1)
  --format jwk|multibase publicKeyJwk (JsonWebKey2020, default) or publicKeyMultibase (Multikey)
  -h, --help             show this help
`,
  options: {
    key: { type: 'string' },
    did: { type: 'string' },
    fragment: { type: 'string', default: 'key-1' },
    format: { type: 'string', default: 'jwk' },
  },
} as const;

/** `agent-authz did-web`: the DID document for a did:web agent, from its key file. */
export function didWeb(args: string[], io: CliIo): void {
  const { values } = parseCommandArgs(DID_WEB, args);
  if (values.key === undefined || values.did === undefined) {
    throw usageError(DID_WEB, '--key and --did are required');
  }
  const { format } = values;
  if (format !== 'jwk' && format !== 'multibase') {
    throw usageError(DID_WEB, '--format must be jwk or multibase');
  }
  const location = values.did.startsWith('did:web:') ? didWebUrl(values.did.slice(8)) : null;
  if (location === null) {
    throw usageError(DID_WEB, `--did must be a did:web identifier, got "${values.did}"`);
  }
  const key = readKeyFile(values.key);
  const { document, keyId } = didWebDocument(values.did, key.privateJwk, {
    fragment: values.fragment,
    format,
  });
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  io.stderr.write(`host it at ${location.href}\nsign with keyid ${keyId}\n`);
}
