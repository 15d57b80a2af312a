import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../config/duration.js';
import { createDpopProof } from '../create-dpop-proof.js';
import { mintToken } from '../mint-token.js';
import { publicJwkOf } from '../sign-compact-jws.js';
import { readKeyFile } from './read-key-file.js';

const USAGE = `usage:
  agent-authz token mint --issuer-key FILE --sub SUBJECT --aud AUDIENCE
                         [--bind-key FILE | --bind-cert FILE] [--scope "a b"] [--ttl 5m] [--did-jwk]
  agent-authz token proof --key FILE [--token TOKEN] [-X METHOD] URL`;

/**
 * `agent-authz token mint`: prints a DID-issued access token bound to an agent key (`cnf.jkt`)
 * or a client certificate (`cnf.x5t#S256`). `agent-authz token proof`: prints the
 * `Authorization` and `DPoP` headers for one request. For demos and tests.
 */
export function token(args: string[]): void {
  const [action, ...rest] = args;
  if (action === 'mint') process.stdout.write(`${mint(rest)}\n`);
  else if (action === 'proof') process.stdout.write(proof(rest));
  else throw new Error(USAGE);
}

function mint(args: string[]): string {
  const { values } = parseArgs({
    args,
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
  });
  const issuerKey = values['issuer-key'];
  if (issuerKey === undefined || values.sub === undefined || values.aud === undefined) {
    throw new Error(USAGE);
  }
  const ttlMs = parseDuration(values.ttl);
  if (ttlMs === undefined || ttlMs < 1000) throw new Error('--ttl must be a duration such as 5m');
  const bindKey = values['bind-key'];
  const bindCert = values['bind-cert'];
  return mintToken({
    issuer: readKeyFile(issuerKey, values['did-jwk']),
    subject: values.sub,
    audience: values.aud.length === 1 ? values.aud[0]! : values.aud,
    expiresIn: Math.floor(ttlMs / 1000),
    ...(values.scope === undefined ? {} : { scope: values.scope }),
    ...(bindKey === undefined ? {} : { bindKey: publicJwkOf(readKeyFile(bindKey).privateJwk) }),
    ...(bindCert === undefined ? {} : { bindCertificatePem: readFileSync(bindCert, 'utf8') }),
  });
}

function proof(args: string[]): string {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      token: { type: 'string' },
      method: { type: 'string', short: 'X', default: 'GET' },
    },
  });
  const url = positionals[0];
  if (values.key === undefined || url === undefined) throw new Error(USAGE);
  const dpop = createDpopProof({
    privateJwk: readKeyFile(values.key).privateJwk,
    method: values.method,
    url,
    ...(values.token === undefined ? {} : { accessToken: values.token }),
  });
  const authorization = values.token === undefined ? '' : `authorization: DPoP ${values.token}\n`;
  return `${authorization}dpop: ${dpop}\n`;
}
