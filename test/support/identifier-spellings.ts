import fc from 'fast-check';
import type { AgentKey } from '../../src/agent/index.js';

/**
 * Ways of writing one Web Bot Auth directory, or one DID, that the identifier rules accept as
 * the same agent: what a request may send, and what an operator may write in `revoked:`, an
 * agent entry or an admin call. Generated as recipes, rendered once the host name and port of
 * a test origin are known.
 */

const DIRECTORY_PATH = '/.well-known/http-message-signatures-directory';

export interface DirectorySpelling {
  readonly scheme: 'https' | 'HTTPS' | 'Https';
  /** Upper-case the host name's letters at these positions (modulo its length). */
  readonly upper: readonly number[];
  /** Leading zeros before the port. */
  readonly zeros: 0 | 1 | 2;
  readonly form:
    | { readonly kind: 'origin'; readonly slash: boolean; readonly generation: 'g1' | 'g2' }
    | {
        readonly kind: 'well-known';
        readonly path: 'plain' | 'encoded-dot' | 'encoded-letter' | 'dot-segments';
        readonly query: '' | '?v=1' | '?a=b&c=d';
        readonly fragment: boolean;
      };
}

export const directorySpelling: fc.Arbitrary<DirectorySpelling> = fc.record({
  scheme: fc.constantFrom('https', 'HTTPS', 'Https'),
  upper: fc.array(fc.nat(40), { maxLength: 4 }),
  zeros: fc.constantFrom(0, 1, 2),
  form: fc.oneof(
    fc.record({
      kind: fc.constant('origin'),
      slash: fc.boolean(),
      generation: fc.constantFrom('g1', 'g2'),
    }),
    fc.record({
      kind: fc.constant('well-known'),
      path: fc.constantFrom('plain', 'encoded-dot', 'encoded-letter', 'dot-segments'),
      query: fc.constantFrom('', '?v=1', '?a=b&c=d'),
      fragment: fc.boolean(),
    }),
  ),
}) as fc.Arbitrary<DirectorySpelling>;

/** A spelling rendered for `hostname:port`: the URL text, and what the server fetches for it. */
export interface RenderedDirectory {
  readonly url: string;
  /** Signature-Agent as the sf-String of G1, else a dictionary member. */
  readonly form: 'string' | 'dictionary';
  /** Path and query of the directory the server fetches. */
  readonly fetchPath: string;
}

export function renderDirectory(
  spelling: DirectorySpelling,
  hostname: string,
  port: number,
): RenderedDirectory {
  const host = upperAt(hostname, spelling.upper);
  const origin = `${spelling.scheme}://${host}:${'0'.repeat(spelling.zeros)}${port}`;
  const { form } = spelling;
  if (form.kind === 'origin') {
    return {
      url: `${origin}${form.slash ? '/' : ''}`,
      form: form.generation === 'g1' ? 'string' : 'dictionary',
      fetchPath: DIRECTORY_PATH,
    };
  }
  const path = {
    plain: DIRECTORY_PATH,
    'encoded-dot': DIRECTORY_PATH.replace('/.', '/%2E'),
    'encoded-letter': DIRECTORY_PATH.replace('http', '%68ttp'),
    'dot-segments': `/agents/..${DIRECTORY_PATH}`,
  }[form.path];
  return {
    url: `${origin}${path}${form.query}${form.fragment ? '#keys' : ''}`,
    form: 'dictionary',
    fetchPath: `${DIRECTORY_PATH}${form.query}`,
  };
}

/**
 * A did:web written with the host's letters in another case and its port's `%3A` in lower
 * case. (A did:web port has at most five digits, so a test origin's port takes no zeros.)
 */
export interface DidWebSpelling {
  readonly upper: readonly number[];
  readonly colon: '%3A' | '%3a';
}

export const didWebSpelling: fc.Arbitrary<DidWebSpelling> = fc.record({
  upper: fc.array(fc.nat(40), { maxLength: 4 }),
  colon: fc.constantFrom('%3A', '%3a'),
}) as fc.Arbitrary<DidWebSpelling>;

export function renderDidWeb(spelling: DidWebSpelling, hostname: string, port: number): string {
  return `did:web:${upperAt(hostname, spelling.upper)}${spelling.colon}${port}`;
}

function upperAt(text: string, positions: readonly number[]): string {
  return [...text]
    .map((c, i) => (positions.some((p) => p % text.length === i) ? c.toUpperCase() : c))
    .join('');
}

/** A key written as its did:key, its did:jwk, or a did:jwk with members reordered or added. */
export type KeySpelling = 'did:key' | 'did:jwk' | 'did:jwk reordered' | 'did:jwk with use';

export const keySpelling: fc.Arbitrary<KeySpelling> = fc.constantFrom(
  'did:key',
  'did:jwk',
  'did:jwk reordered',
  'did:jwk with use',
);

/** The DID and the key id (`#…`) for `key` as `spelling` writes it. */
export function renderKey(key: AgentKey, spelling: KeySpelling): { did: string; keyId: string } {
  if (spelling === 'did:key') return { did: key.didKey, keyId: key.keyId };
  const jwk =
    spelling === 'did:jwk'
      ? key.publicJwk
      : spelling === 'did:jwk reordered'
        ? Object.fromEntries(Object.entries(key.publicJwk).reverse())
        : { ...key.publicJwk, use: 'sig' };
  const did = `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
  return { did, keyId: `${did}#0` };
}
