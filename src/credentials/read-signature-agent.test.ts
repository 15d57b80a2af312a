import { describe, expect, it } from 'vitest';
import type { AuthzRequest } from '../request/authz-request.js';
import { parseSignatureHeaders } from './parse-signature-headers.js';
import { readSignatureAgent } from './read-signature-agent.js';

const LIMITS = { maxSignatures: 8, maxComponents: 32 };

const SIGNATURE = 'sig1=:AAAA:';

function read(signatureAgent: string | undefined, covered: string): string {
  const input = `sig1=("@authority" ${covered});created=1;keyid="k";tag="web-bot-auth"`;
  const headers = new Map<string, string[]>();
  if (signatureAgent !== undefined) headers.set('signature-agent', [signatureAgent]);
  const [candidate] = parseSignatureHeaders(input, SIGNATURE, LIMITS);
  return readSignatureAgent({ headers } as unknown as AuthzRequest, candidate!);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('readSignatureAgent', () => {
  it.each([
    [
      'the covered dictionary member',
      'a="https://a.example", b="https://b.example"',
      '"signature-agent";key="b"',
      'https://b.example',
    ],
    [
      'a member with type=directory',
      'a="https://a.example";type=directory',
      '"signature-agent";key="a"',
      'https://a.example',
    ],
    [
      'the legacy string form',
      '"https://agent.example:8443/"',
      '"signature-agent"',
      'https://agent.example:8443',
    ],
    [
      'a one-member dictionary covered whole',
      'a="https://a.example"',
      '"signature-agent"',
      'https://a.example',
    ],
  ])('reads %s', (_name, header, covered, origin) => {
    expect(read(header, covered)).toBe(origin);
  });

  it.each([
    ['no Signature-Agent header', undefined, '"signature-agent"', 'key_unresolvable'],
    [
      'a header the signature does not cover',
      '"https://a.example"',
      '"@method"',
      'components_missing',
    ],
    [
      'a covered member that is absent',
      'a="https://a.example"',
      '"signature-agent";key="b"',
      'credential_malformed',
    ],
    [
      'a host ending with a dot (another origin for the same host)',
      'a="https://a.example."',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
    [
      'a two-member dictionary covered whole',
      'a="https://a.example", b="https://b.example"',
      '"signature-agent"',
      'credential_malformed',
    ],
    [
      'type=jwks_uri',
      'a="https://a.example/jwks";type=jwks_uri',
      '"signature-agent";key="a"',
      'key_unresolvable',
    ],
    ['an http URL', 'a="http://a.example"', '"signature-agent";key="a"', 'key_unresolvable'],
    ['a data URL', 'a="data:application/json,{}"', '"signature-agent";key="a"', 'key_unresolvable'],
    [
      'a URL with a path',
      'a="https://a.example/keys"',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
    [
      'a URL with userinfo',
      'a="https://u:p@a.example"',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
    ['a token instead of a string', 'a=https', '"signature-agent";key="a"', 'credential_malformed'],
    ['a value that does not parse', 'a=("x"', '"signature-agent";key="a"', 'credential_malformed'],
  ])('refuses %s', (_name, header, covered, code) => {
    expect(codeOf(() => read(header, covered))).toBe(code);
  });
});
