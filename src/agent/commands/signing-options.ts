import { createPublicKey } from 'node:crypto';
import { usageError } from '../../command-line/parse-command-args.js';
import { jwkThumbprint } from '../../keys/jwk-thumbprint.js';
import {
  SIGNATURE_AGENT_TYPES,
  type SignatureAgentType,
  WEB_BOT_AUTH_GENERATIONS,
  type WebBotAuthGeneration,
} from '../format-signature-agent.js';
import type { SigningKey, SignRequestInput } from '../sign-request.js';
import { readKeyFile } from './read-key-file.js';

/** The options that shape a signature, shared by `sign`, `check` and `request`. */
export const SIGNING_OPTIONS = {
  'signature-agent': { type: 'string' },
  generation: { type: 'string' },
  'agent-type': { type: 'string' },
  member: { type: 'string' },
  label: { type: 'string' },
  tag: { type: 'string' },
  component: { type: 'string', multiple: true },
  'expires-in': { type: 'string' },
  'thumbprint-keyid': { type: 'boolean', default: false },
  'path-as-is': { type: 'boolean', default: false },
} as const;

export const SIGNING_USAGE = `Web Bot Auth (keyid = the key's JWK thumbprint, tag web-bot-auth, expires 60 s):
  --signature-agent URL send Signature-Agent naming URL: an origin whose well-known key
                        directory holds the key, or (g3, --agent-type jwks_uri|cimd) a URI
  --generation G        g1 (sf-String origin), g2 (Dictionary member, default), g3 (Dictionary
                        member naming a JWKS URI, no parameters)
  --agent-type TYPE     g2 only: directory (what a verifier assumes), jwks_uri or cimd
  --member NAME         the Signature-Agent member key (default: the label)
any signature:
  --label LABEL         the signature label (default sig1)
  --tag TAG             the tag (default agent-authz, or web-bot-auth; e.g. agent-payer-auth)
  --component NAME      a derived component to cover, e.g. @path (repeatable; replaces the
                        default set: @method @authority @path [@query], Web Bot Auth @authority)
  --expires-in SECONDS  send expires = created + SECONDS
  --thumbprint-keyid    keyid = the key's JWK thumbprint without Signature-Agent (a Visa TAP
                        request, verified against a key directory the verifier already knows)
  --path-as-is          sign the path as written; by default it is signed (and sent) in the
                        form Envoy forwards: dot segments resolved, // merged, %7E as ~, | as
                        %7C, and a path with %2F or %5C refused (docs/signed-requests.md)
`;

type SigningValues = {
  'signature-agent'?: string | undefined;
  generation?: string | undefined;
  'agent-type'?: string | undefined;
  member?: string | undefined;
  label?: string | undefined;
  tag?: string | undefined;
  component?: string[] | undefined;
  'expires-in'?: string | undefined;
  'path-as-is'?: boolean | undefined;
};

export type SigningChoices = Pick<
  SignRequestInput,
  'webBotAuth' | 'components' | 'tag' | 'label' | 'expiresIn' | 'pathAsIs'
>;

/** The signing choices the options make; a value out of range is a usage error. */
export function signingChoicesFromArgs(
  spec: { command: string },
  values: SigningValues,
): SigningChoices {
  const choices: { -readonly [K in keyof SigningChoices]: SigningChoices[K] } = {};
  const url = values['signature-agent'];
  if (url === undefined) {
    for (const name of ['generation', 'agent-type', 'member'] as const) {
      if (values[name] !== undefined) throw usageError(spec, `--${name} needs --signature-agent`);
    }
  } else {
    const generation = oneOf(
      spec,
      '--generation',
      values.generation ?? 'g2',
      WEB_BOT_AUTH_GENERATIONS,
    );
    const type = values['agent-type'];
    choices.webBotAuth = {
      generation: generation as WebBotAuthGeneration,
      url,
      ...(type === undefined
        ? {}
        : { type: oneOf(spec, '--agent-type', type, SIGNATURE_AGENT_TYPES) as SignatureAgentType }),
      ...(values.member === undefined ? {} : { member: values.member }),
    };
  }
  if (values['path-as-is'] === true) choices.pathAsIs = true;
  if (values.label !== undefined) choices.label = values.label;
  if (values.tag !== undefined) choices.tag = values.tag;
  if (values.component !== undefined) {
    const named = values.component.find((name) => !name.startsWith('@'));
    if (named !== undefined) {
      throw usageError(
        spec,
        `--component takes derived components (@path); cover a header with --cover ${named}`,
      );
    }
    choices.components = values.component;
  }
  if (values['expires-in'] !== undefined) {
    const seconds = Number(values['expires-in']);
    if (!Number.isInteger(seconds) || seconds < 1) {
      throw usageError(spec, '--expires-in must be a whole number of seconds');
    }
    choices.expiresIn = seconds;
  }
  return choices;
}

function oneOf(
  spec: { command: string },
  option: string,
  value: string,
  allowed: readonly string[],
): string {
  if (!allowed.includes(value))
    throw usageError(spec, `${option} must be one of ${allowed.join(', ')}`);
  return value;
}

/**
 * The key file's signing key: its did:key (or, with `didJwk`, did:jwk) key id, or with
 * `--thumbprint-keyid` its RFC 7638 thumbprint.
 */
export function signingKeyFromArgs(
  file: string,
  options: { didJwk: boolean; thumbprintKeyid: boolean },
): SigningKey {
  const key = readKeyFile(file, options.didJwk);
  if (!options.thumbprintKeyid) return key;
  const publicJwk = createPublicKey({ key: key.privateJwk, format: 'jwk' }).export({
    format: 'jwk',
  });
  return {
    privateJwk: key.privateJwk,
    keyId: jwkThumbprint(publicJwk as Record<string, unknown>)!,
  };
}

/**
 * A `--cover` header the request does not carry, and signing does not add (`content-digest`
 * with a body, `signature-agent` for Web Bot Auth), is a usage error naming it.
 */
export function checkCoveredHeaders(
  spec: { command: string },
  cover: readonly string[],
  request: { headers: Iterable<string>; body: boolean; webBotAuth: boolean },
): void {
  const present = new Set([...request.headers].map((name) => name.toLowerCase()));
  if (request.body) present.add('content-digest');
  if (request.webBotAuth) present.add('signature-agent');
  const missing = cover.find((name) => !present.has(name.toLowerCase()));
  if (missing !== undefined) {
    throw usageError(
      spec,
      `--cover ${missing}: the request has no ${missing} header; add it with -H "${missing}: VALUE"`,
    );
  }
}
