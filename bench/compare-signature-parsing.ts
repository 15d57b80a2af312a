/**
 * Parses Signature-Input / Signature and builds the signature base with two builds' modules,
 * alternated in one process, and prints the median cost of each and their ratio:
 * `node dist-bench/bench/compare-signature-parsing.js OLD_DIR NEW_DIR` (both built).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Parse = (input: string, signature: string, limits: object) => unknown[];
type Base = (message: object, candidate: unknown) => string;

const KEY_ID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const SIGNATURE = `sig1=:${Buffer.alloc(64, 7).toString('base64')}:`;
const LIMITS = { maxSignatures: 8, maxComponents: 32 };
const REQUESTS = {
  signed: (i: number) =>
    `sig1=("@method" "@authority" "@path" "@query");created=1768478400;expires=1768478700;keyid="${KEY_ID}#k";nonce="nonce-${i}";tag="agent-authz"`,
  'web-bot-auth': (i: number) =>
    `sig1=("@authority" "signature-agent";key="sig1");created=1768478400;expires=1768478700;keyid="poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U";nonce="n${i}";tag="web-bot-auth"`,
};
const MESSAGE = {
  method: 'GET',
  scheme: 'https',
  authority: 'api.example.com',
  path: '/orders',
  query: 'a=1',
  headers: new Map([['signature-agent', ['sig1="https://bot.example.com/.well-known/dir"']]]),
};
const CHECKS = 20_000;

async function load(dir: string): Promise<{ parse: Parse; base: Base }> {
  const module = (path: string) => import(pathToFileURL(join(resolve(dir), 'dist', path)).href);
  const parser = await module('credentials/parse-signature-headers.js');
  const base = await module('proofs/signature-base.js');
  return { parse: parser.parseSignatureHeaders, base: base.buildSignatureBase };
}

function microsPerCheck(build: { parse: Parse; base: Base }, input: (i: number) => string): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CHECKS; i++) {
    const [candidate] = build.parse(input(i), SIGNATURE, LIMITS);
    build.base(MESSAGE, candidate);
  }
  return Number(process.hrtime.bigint() - start) / CHECKS / 1000;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

const [oldBuild, newBuild] = await Promise.all(process.argv.slice(2, 4).map(load));
for (const [name, input] of Object.entries(REQUESTS)) {
  const before: number[] = [];
  const after: number[] = [];
  for (let round = 0; round < 9; round++) {
    before.push(microsPerCheck(oldBuild!, input));
    after.push(microsPerCheck(newBuild!, input));
  }
  const [b, a] = [median(before), median(after)];
  console.log(
    `${name}: ${b.toFixed(1)} µs -> ${a.toFixed(1)} µs per check (${(a / b).toFixed(2)}x)`,
  );
}
