import { readFileSync } from 'node:fs';
import type { CliIo } from '../../command-line/cli-io.js';
import { fileFailed } from '../../command-line/file-failed.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { parseDuration } from '../../config/duration.js';
import { createDpopProof } from '../create-dpop-proof.js';
import { mintToken } from '../mint-token.js';
import { publicJwkOf } from '../sign-compact-jws.js';
import { readKeyFile } from './read-key-file.js';

const MINT = {
  command: 'token mint',
  usage: `usage: agent-authz token mint --issuer-key FILE --sub SUBJECT --aud AUDIENCE [options]

Prints a DID-issued access token (iss = the issuer key's did:key), for demos and tests.
  --issuer-key FILE   key file of the issuer (agent-authz keygen)
  --sub SUBJECT       the token's subject: the agent id
  --aud AUDIENCE      audience (repeatable)
  --bind-key FILE     bind the token to this agent key (cnf.jkt, for DPoP)
  --bind-cert FILE    or to this PEM client certificate (cnf.x5t#S256)
  --scope "a b"       space-separated scopes
  --ttl DURATION      lifetime, e.g. 5m (default), 1h
  --did-jwk           issue as the issuer key's did:jwk instead of its did:key
  -h, --help          show this help
`,
  options: {
    'issuer-key': { type: 'string' },
    sub: { type: 'string' },
    aud: { type: 'string', multiple: true },
    'bind-key': { type: 'string' },
    'bind-cert': { type: 'string' },
    scope: { type: 'string' },
    ttl: { type: 'string', default: '5m' },
    'did-jwk': { type: 'boolean', default: false },
  },
} as const;

const PROOF = {
  command: 'token proof',
  usage: `usage: agent-authz token proof --key FILE [--token TOKEN] [-X METHOD] URL

Prints the headers of one DPoP request: Authorization: DPoP TOKEN (with --token) and DPoP.
  --key FILE            the agent key the token is bound to
  --token TOKEN         the access token (adds the proof's ath claim)
  -X, --method METHOD   request method (default GET)
  -h, --help            show this help
`,
  options: {
    key: { type: 'string' },
    token: { type: 'string' },
    method: { type: 'string', short: 'X', default: 'GET' },
  },
  positionals: true,
} as const;

/**
 * `agent-authz token mint`: prints a DID-issued access token bound to an agent key (`cnf.jkt`)
 * or a client certificate (`cnf.x5t#S256`). For demos and tests.
 */
export function tokenMint(args: string[], io: CliIo): void {
  io.stdout.write(`${mint(args)}\n`);
}

/** `agent-authz token proof`: prints the `Authorization` and `DPoP` headers for one request. */
export function tokenProof(args: string[], io: CliIo): void {
  io.stdout.write(proof(args));
}

function mint(args: string[]): string {
  const { values } = parseCommandArgs(MINT, args);
  const issuerKey = values['issuer-key'];
  if (issuerKey === undefined || values.sub === undefined || values.aud === undefined) {
    throw usageError(MINT, '--issuer-key, --sub and --aud are required');
  }
  const ttlMs = parseDuration(values.ttl);
  if (ttlMs === undefined || ttlMs < 1000) {
    throw usageError(MINT, '--ttl must be a duration such as 5m');
  }
  const bindKey = values['bind-key'];
  const bindCert = values['bind-cert'];
  return mintToken({
    issuer: readKeyFile(issuerKey, values['did-jwk']),
    subject: values.sub,
    audience: values.aud.length === 1 ? values.aud[0]! : values.aud,
    expiresIn: Math.floor(ttlMs / 1000),
    ...(values.scope === undefined ? {} : { scope: values.scope }),
    ...(bindKey === undefined ? {} : { bindKey: publicJwkOf(readKeyFile(bindKey).privateJwk) }),
    ...(bindCert === undefined ? {} : { bindCertificatePem: readCertificate(bindCert) }),
  });
}

function proof(args: string[]): string {
  const { values, positionals } = parseCommandArgs(PROOF, args);
  const url = positionals[0];
  if (values.key === undefined || url === undefined) {
    throw usageError(PROOF, '--key FILE and a URL are required');
  }
  const dpop = createDpopProof({
    privateJwk: readKeyFile(values.key).privateJwk,
    method: values.method,
    url,
    ...(values.token === undefined ? {} : { accessToken: values.token }),
  });
  const authorization = values.token === undefined ? '' : `authorization: DPoP ${values.token}\n`;
  return `${authorization}dpop: ${dpop}\n`;
}

function readCertificate(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw fileFailed('read', 'certificate', file, error, 'give a PEM client certificate');
  }
}
