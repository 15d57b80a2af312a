import { fc } from '@fast-check/vitest';
import {
  type BareItem,
  type InnerList,
  type Item,
  type Parameters,
  serializeDictionary,
  Token,
} from 'structured-headers';

/** Text of every kind: ASCII, graphemes, and UTF-16 units that are not valid text at all. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Printable ASCII: what an sf-string may hold. */
export const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

const lower = 'abcdefghijklmnopqrstuvwxyz';
const keyRest = `${lower}0123456789_-.*`;
/** An RFC 8941 key: lower-case alpha or `*`, then lcalpha, digits, `_-.*`. */
export const sfKey = fc
  .tuple(
    fc.constantFrom(...`${lower}*`),
    fc.string({ unit: fc.constantFrom(...keyRest), maxLength: 8 }),
  )
  .map(([first, rest]) => first + rest);

const tokenRest = `${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_\`|~:/`;
const sfToken = fc
  .tuple(
    fc.constantFrom(...`${lower}ABCXYZ*`),
    fc.string({ unit: fc.constantFrom(...tokenRest), maxLength: 10 }),
  )
  .map(([first, rest]) => new Token(first + rest));

/** Every RFC 8941 bare item type, with the names RFC 9421 gives meaning to among the strings. */
const bareItem: fc.Arbitrary<BareItem> = fc.oneof(
  fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
  fc.double({ min: -1e11, max: 1e11, noNaN: true }).map((n) => Math.round(n * 1000) / 1000),
  printable,
  fc.constantFrom('@method', '@authority', '@path', '@query', 'content-digest', 'ed25519'),
  sfToken,
  fc.uint8Array({ maxLength: 72 }).map((bytes) => Buffer.from(bytes)),
  fc.boolean(),
);

const parameters: fc.Arbitrary<Parameters> = fc
  .array(
    fc.tuple(
      fc.oneof(
        sfKey,
        fc.constantFrom('created', 'expires', 'keyid', 'nonce', 'alg', 'tag', 'key', 'sf', 'bs'),
      ),
      bareItem,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => new Map(pairs));

const item: fc.Arbitrary<Item> = fc.tuple(bareItem, parameters);
const innerList: fc.Arbitrary<InnerList> = fc.tuple(fc.array(item, { maxLength: 6 }), parameters);

/** A well-formed RFC 8941 dictionary of any shape, serialised as a header value. */
export const structuredDictionary = fc
  .array(fc.tuple(fc.oneof(sfKey, fc.constant('sig1')), fc.oneof(item, innerList)), {
    minLength: 1,
    maxLength: 4,
  })
  .map((members) => serializeDictionary(new Map(members)));

const base64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');

/** JSON objects with the JOSE and JWT member names among arbitrary ones. */
const joseObject = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      'alg',
      'typ',
      'kid',
      'jwk',
      'crit',
      'iss',
      'sub',
      'aud',
      'exp',
      'nbf',
      'iat',
      'jti',
      'cnf',
      'scope',
      'htm',
      'htu',
      'ath',
    ),
  ),
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('EdDSA', 'ES256', 'none', 'HS256', 'dpop+jwt', 'at+jwt', 'GET'),
  ),
  { maxKeys: 8 },
);

/** A string shaped like a compact JWS (three base64url parts) whose parts are arbitrary. */
export const jwtLike = fc.oneof(
  fc
    .tuple(joseObject, joseObject, fc.uint8Array({ maxLength: 96 }))
    .map(([header, payload, signature]) =>
      [JSON.stringify(header), JSON.stringify(payload), signature].map(base64url).join('.'),
    ),
  fc
    .array(fc.uint8Array({ maxLength: 64 }), { minLength: 3, maxLength: 3 })
    .map((parts) => parts.map(base64url).join('.')),
  fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 4 }).map((p) => p.join('.')),
);

const didSuffix = fc.oneof(
  printable,
  fc.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{0,60}$/),
  fc.jsonValue({ maxDepth: 2 }).map((json) => base64url(JSON.stringify(json))),
);

/** DID URLs of every method we know and some we do not, well-formed or not. */
export const didString = fc.oneof(
  didSuffix.map((s) => `did:key:z${s}`),
  didSuffix.map((s) => `did:key:${s}`),
  didSuffix.map((s) => `did:jwk:${s}#0`),
  fc.tuple(fc.domain(), printable).map(([host, path]) => `did:web:${host}${path}`),
  fc.tuple(sfKey, didSuffix).map(([method, id]) => `did:${method}:${id}`),
  fc.tuple(didSuffix, printable).map(([id, fragment]) => `did:key:z6Mk${id}#${fragment}`),
  printable,
);

/** A JWK of any key type, with members that are sometimes right and sometimes not. */
export const jwkLike = fc.oneof(
  fc.record({
    kty: fc.constantFrom('OKP', 'EC', 'RSA', 'oct', 'x'),
    crv: fc.constantFrom('Ed25519', 'P-256', 'P-384', 'X25519', 'secp256k1'),
    x: fc.uint8Array({ maxLength: 64 }).map(base64url),
    y: fc.uint8Array({ maxLength: 64 }).map(base64url),
    n: fc.uint8Array({ maxLength: 64 }).map(base64url),
    e: fc.constantFrom('AQAB', 'AQ', ''),
    kid: printable,
    use: fc.constantFrom('sig', 'enc'),
  }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
);

/** A JSON object with arbitrary members. */
export const jsonObject = fc.dictionary(
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
  {
    maxKeys: 5,
  },
);
