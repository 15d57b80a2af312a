import { createHash, randomUUID } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { parseDictionary, serializeItem } from 'structured-headers';
import { describe, expect } from 'vitest';
import { generateAgentKey } from '../../src/agent/index.js';
import type { AuthzRequest } from '../../src/request/authz-request.js';
import { type BaseLine, handSigned } from '../support/hand-signed.js';
import { usePropertyEngine } from '../support/property-engine.js';
import { runs, useTally } from '../support/property-runs.js';
import { TEST_EPOCH_MS } from '../support/start-test-app.js';

/*
 * Requests whose covered values can be read more than one way — repeated lines in any order,
 * repeated dictionary keys and parameters, decimals for integers, line breaks and folds inside
 * values, case variants of the method and host — signed the way a signer reading them one way
 * would sign, and asked about in-process. The answer must never depend on which reading the
 * verifier happened to take.
 */

const engine = usePropertyEngine();
const tally = useTally('test/property/signature-base-shapes');
const NOW = TEST_EPOCH_MS / 1000;
const KEY = generateAgentKey();
const BODY = Buffer.from('{"sku":"A-1"}');
const digestOf = (algorithm: string, data: Buffer) =>
  createHash(algorithm).update(data).digest('base64');

/** A request as sent: its header lines in order. */
interface Sent {
  readonly method: string;
  readonly authority: string;
  readonly lines: ReadonlyArray<readonly [string, string]>;
}

function authzRequest(sent: Sent, signature: Record<string, string>): AuthzRequest {
  const headers = new Map<string, string[]>();
  for (const [name, value] of [...sent.lines, ...Object.entries(signature)]) {
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return {
    method: sent.method.toUpperCase(),
    receivedMethod: sent.method,
    scheme: 'https',
    authority: sent.authority,
    path: '/orders',
    query: null,
    headers,
    body: { bytes: BODY, truncated: false },
    source: { principal: '', certificate: '', address: '' },
    contextExtensions: {},
    requestId: randomUUID(),
  };
}

async function answer(request: AuthzRequest): Promise<string> {
  const decision = await engine.check(request);
  expect(engine.errors).toEqual([]);
  const outcome = decision.allowed ? `allow:${decision.identity.verified}` : decision.reason;
  tally.countCase(outcome);
  return outcome;
}

/**
 * What a signer that reads fields as RFC 8941 parsers commonly do (the last of two members)
 * signs: each covered field's lines joined with ", ", `;key` the last member of that name.
 * Undefined when that signer cannot read the field at all.
 */
function naiveBase(sent: Sent): BaseLine[] | undefined {
  const field = (name: string) =>
    sent.lines
      .filter(([line]) => line === name)
      .map(([, value]) => value)
      .join(', ');
  let member: string;
  try {
    const found = parseDictionary(field('x-dict')).get('a');
    if (found === undefined || Array.isArray(found[0])) return undefined;
    member = serializeItem(found as [never, never]);
  } catch {
    return undefined;
  }
  return [
    ['"@method"', 'POST'],
    ['"@authority"', 'api.example.com'],
    ['"@path"', '/orders'],
    ['"content-digest"', field('content-digest')],
    ['"x-dict";key="a"', member],
    ['"agent-purpose"', field('agent-purpose')],
  ];
}

/** Mostly values with one reading, sometimes one with two. */
const usually = <T>(plain: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: plain }, { weight: 1, arbitrary: odd });

const digestLine = fc
  .array(
    usually(
      fc.constantFrom(
        `sha-256=:${digestOf('sha256', BODY)}:`,
        `sha-512=:${digestOf('sha512', BODY)}:`,
        'unixsum=:AAAA:',
      ),
      fc.constantFrom(`sha-256=:${digestOf('sha256', Buffer.from('other'))}:`, 'sha-256=1.0'),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((entries) => entries.join(', '));
const dictValue = usually(fc.constantFrom('"good"', '"evil"', '?1', '2'), fc.constant('1.0'));
/** `a=…` once, other members on lines of their own, and sometimes `a` again. */
const dictLines = fc
  .tuple(
    dictValue,
    fc.uniqueArray(fc.constantFrom('b', 'c', 'd'), { maxLength: 2 }),
    usually(fc.constant(null), dictValue),
  )
  .map(([value, others, again]) => [
    `a=${value}`,
    ...others.map((key) => `${key}=2`),
    ...(again === null ? [] : [`a=${again}`]),
  ]);
const purposeLine = usually(
  fc.constantFrom('read', 'write', 'a, b'),
  fc.constantFrom('read \r\n only', 'read\nonly'),
);

/** Each header's lines, and a reordering of them. */
function inTwoOrders(lines: fc.Arbitrary<string[]>) {
  return lines.chain((each) =>
    fc.tuple(
      fc.constant(each),
      fc.shuffledSubarray(each, { minLength: each.length, maxLength: each.length }),
    ),
  );
}

describe('a signed request with repeated header lines', () => {
  test.prop(
    {
      digests: inTwoOrders(fc.array(digestLine, { minLength: 1, maxLength: 3 })),
      dicts: inTwoOrders(dictLines),
      purposes: inTwoOrders(fc.array(purposeLine, { minLength: 1, maxLength: 3 })),
    },
    { numRuns: runs(150) },
  )(
    'gets the same answer whatever the order of the lines, each order signed as sent',
    async ({ digests, dicts, purposes }) => {
      const outcomes = new Set<string>();
      for (const order of [0, 1] as const) {
        const sent: Sent = {
          method: 'POST',
          authority: 'api.example.com',
          lines: [
            ...digests[order].map((value) => ['content-digest', value] as const),
            ...dicts[order].map((value) => ['x-dict', value] as const),
            ...purposes[order].map((value) => ['agent-purpose', value] as const),
          ],
        };
        const base = naiveBase(sent);
        const signature = base === undefined ? {} : handSigned(KEY, base, NOW).headers;
        outcomes.add(
          base === undefined ? 'unsignable' : await answer(authzRequest(sent, signature)),
        );
      }
      expect(outcomes.size).toBe(1);
    },
  );
});

/** A word for a header value: printable ASCII without spaces, commas or quotes. */
const word = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,8}$/);

/**
 * One request read two ways: the signature is over one reading (what a lenient verifier would
 * rebuild), the request carries another spelling. `allowed` says whether that spelling has the
 * signed reading as its only one (an obs-fold is one space, RFC 9421 §2.1).
 */
const twoReadings = fc.oneof(
  fc.constantFrom('.0', '.00', '.000').map((fraction) => ({
    edit: { input: (text: string) => text.replace(/created=(\d+)/, `created=$1${fraction}`) },
    allowed: false,
  })),
  fc.tuple(fc.constantFrom('created', 'keyid', 'nonce', 'tag'), word).map(([name, value]) => ({
    edit: {
      input: (text: string) =>
        text.replace(
          `;${name}=`,
          `;${name}=${name === 'created' ? NOW - 60 : `"${value}"`};${name}=`,
        ),
    },
    allowed: false,
  })),
  fc
    .array(fc.boolean(), { minLength: 4, maxLength: 4 })
    .filter((lower) => lower.includes(true))
    .map((lower) => [...'POST'].map((c, i) => (lower[i] ? c.toLowerCase() : c)).join(''))
    .map((method) => ({ edit: { method }, allowed: false })),
  fc.constant({ edit: { authority: 'ban\u212a.example' }, allowed: false }),
  fc
    .tuple(word, fc.constantFrom('\n', '\r', '\0', '\r\n', '\n"@path": /public'), word)
    .map(([before, inserted, after]) => ({
      edit: { purpose: [`${before}${inserted}${after}`, `${before}${inserted}${after}`] },
      allowed: false,
    })),
  fc
    .tuple(word, fc.constantFrom('', ' ', '\t'), fc.constantFrom(' ', '\t', '  '), word)
    .map(([before, ows, rws, after]) => ({
      edit: { purpose: [`${before} ${after}`, `${before}${ows}\r\n${rws}${after}`] },
      allowed: true,
    })),
);

interface Edit {
  readonly input?: (text: string) => string;
  readonly method?: string;
  readonly authority?: string;
  /** The purpose value signed, and the one sent. */
  readonly purpose?: readonly [string, string];
}

/** A request for bank.example signed over `signedPurpose`, sent as `edit` says. */
function request(edit: Edit): AuthzRequest {
  const [signedPurpose, sentPurpose] = edit.purpose ?? ['read', 'read'];
  const digest = `sha-256=:${digestOf('sha256', BODY)}:`;
  const { headers } = handSigned(
    KEY,
    [
      ['"@method"', 'POST'],
      ['"@authority"', 'bank.example'],
      ['"@path"', '/orders'],
      ['"content-digest"', digest],
      ['"agent-purpose"', signedPurpose],
    ],
    NOW,
  );
  const input = edit.input?.(headers['signature-input']) ?? headers['signature-input'];
  const sent: Sent = {
    method: edit.method ?? 'POST',
    authority: edit.authority ?? 'bank.example',
    lines: [
      ['content-digest', digest],
      ['agent-purpose', sentPurpose],
    ],
  };
  return authzRequest(sent, { ...headers, 'signature-input': input });
}

describe('a signed request whose covered values have two readings', () => {
  test.prop({ shape: twoReadings }, { numRuns: runs(200) })(
    'is verified only when the spelling sent has the signed reading as its one reading',
    async ({ shape }) => {
      expect(await answer(request({}))).toBe('allow:true');
      const outcome = await answer(request(shape.edit as Edit));
      if (shape.allowed) expect(outcome).toBe('allow:true');
      else expect(outcome).toMatch(/^(signature_invalid|credential_malformed)$/);
    },
  );
});
