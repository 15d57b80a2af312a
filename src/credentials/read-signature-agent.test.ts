import { describe, expect, it } from 'vitest';
import type { AuthzRequest } from '../request/authz-request.js';
import { normaliseAgentUrl } from './normalise-agent-url.js';
import { parseSignatureHeaders } from './parse-signature-headers.js';
import {
  readSignatureAgent,
  WEB_BOT_AUTH_GENERATIONS,
  type WebBotAuthGeneration,
} from './read-signature-agent.js';

const LIMITS = { maxSignatures: 8, maxComponents: 32 };
const ALL = new Set(WEB_BOT_AUTH_GENERATIONS);
const WELL_KNOWN = '/.well-known/http-message-signatures-directory';

function read(
  signatureAgent: string | undefined,
  covered: string,
  accepted: ReadonlySet<WebBotAuthGeneration> = ALL,
  label = 'sig1',
) {
  const input = `${label}=("@authority" ${covered});created=1;keyid="k";tag="web-bot-auth"`;
  const headers = new Map<string, string[]>();
  if (signatureAgent !== undefined) headers.set('signature-agent', [signatureAgent]);
  const [candidate] = parseSignatureHeaders(input, `${label}=:AAAA:`, LIMITS);
  const agent = readSignatureAgent({ headers } as unknown as AuthzRequest, candidate!, accepted);
  return { generation: agent.generation, fetch: agent.fetchUrl.href, agentId: agent.agentId };
}

function failure(run: () => unknown): { code?: string; message?: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
}

describe('readSignatureAgent', () => {
  it.each([
    [
      'G1, the sf-String origin',
      '"https://agent.example:8443/"',
      '"signature-agent"',
      'g1',
      `https://agent.example:8443${WELL_KNOWN}`,
      'https://agent.example:8443',
    ],
    [
      'G2, the covered member naming an origin',
      'a="https://a.example", b="https://b.example"',
      '"signature-agent";key="b"',
      'g2-directory',
      `https://b.example${WELL_KNOWN}`,
      'https://b.example',
    ],
    [
      'G2 type=directory',
      'a="https://a.example";type=directory',
      '"signature-agent";key="a"',
      'g2-directory',
      `https://a.example${WELL_KNOWN}`,
      'https://a.example',
    ],
    [
      'G2 type=jwks_uri',
      'a="https://a.example/jwks.json";type=jwks_uri',
      '"signature-agent";key="a"',
      'g2-jwks_uri',
      'https://a.example/jwks.json',
      'https://a.example/jwks.json',
    ],
    [
      'G2 type=cimd',
      'a="https://a.example/client.json";type=cimd',
      '"signature-agent";key="a"',
      'g2-cimd',
      'https://a.example/client.json',
      'https://a.example/client.json',
    ],
    [
      'G3, a JWKS URL, whose query is not part of the identifier',
      'a="https://A.example/keys/./jwks.json?v=2"',
      '"signature-agent";key="a"',
      'g3',
      'https://a.example/keys/jwks.json?v=2',
      'https://a.example/keys/jwks.json',
    ],
    [
      'G3 at the well-known path, attributed to the origin',
      `a="https://a.example${WELL_KNOWN}"`,
      '"signature-agent";key="a"',
      'g3',
      `https://a.example${WELL_KNOWN}`,
      'https://a.example',
    ],
    [
      'a one-member dictionary covered whole',
      'a="https://a.example"',
      '"signature-agent"',
      'g2-directory',
      `https://a.example${WELL_KNOWN}`,
      'https://a.example',
    ],
  ])('reads %s', (_name, header, covered, generation, fetch, agentId) => {
    expect(read(header, covered)).toEqual({ generation, fetch, agentId });
  });

  it('follows the covered member, not the label (the draft vectors sign sig2 over agent2)', () => {
    const header = 'sig2="https://label.example", agent2="https://member.example"';
    expect(read(header, '"signature-agent";key="agent2"', ALL, 'sig2').agentId).toBe(
      'https://member.example',
    );
  });

  it('attributes a signature covering several members to the one keyed by its label', () => {
    const header = 'agent="https://agent.example", browser="https://browser.example"';
    const covered = '"signature-agent";key="agent" "signature-agent";key="browser"';
    expect(read(header, covered, ALL, 'browser').agentId).toBe('https://browser.example');
    expect(failure(() => read(header, covered, ALL, 'other'))?.code).toBe('credential_malformed');
  });

  it('reads a bare origin as G3 when G2 is not accepted', () => {
    expect(read('a="https://a.example"', '"signature-agent";key="a"', new Set(['g3'])).fetch).toBe(
      'https://a.example/',
    );
  });

  it('ignores a member with parameters when only G3 is accepted', () => {
    const refused = failure(() =>
      read(
        'a="https://a.example/jwks";type=jwks_uri',
        '"signature-agent";key="a"',
        new Set(['g3']),
      ),
    );
    expect(refused?.code).toBe('key_unresolvable');
    expect(refused?.message).toContain('a member with parameters is ignored');
  });

  it('says exactly what to cover when the header is sent but not covered', () => {
    const refused = failure(() => read('sig1="https://a.example"', '"@method"'));
    expect(refused).toMatchObject({
      code: 'components_missing',
      message:
        'the signature must cover the Signature-Agent member it names: add "signature-agent";key="sig1" to its covered components',
    });
  });

  it.each([
    ['no Signature-Agent header', undefined, '"signature-agent"', 'key_unresolvable'],
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
      'an unknown type',
      'a="https://a.example/x";type=other',
      '"signature-agent";key="a"',
      'key_unresolvable',
    ],
    [
      'an extra parameter next to type',
      'a="https://a.example";type=directory;x=1',
      '"signature-agent";key="a"',
      'key_unresolvable',
    ],
    ['an http URL', 'a="http://a.example"', '"signature-agent";key="a"', 'key_unresolvable'],
    ['a data URL', 'a="data:application/json,{}"', '"signature-agent";key="a"', 'key_unresolvable'],
    [
      'a G1 string with a path',
      '"https://a.example/keys"',
      '"signature-agent"',
      'credential_malformed',
    ],
    [
      'a type=directory member with a path',
      'a="https://a.example/keys";type=directory',
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
    [
      'the covered member named twice (the last would win)',
      'a="https://evil.example", a="https://a.example"',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
    [
      'another member named twice',
      'a="https://a.example", b="https://b.example", b="https://c.example"',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
    [
      'a type given twice',
      'a="https://a.example/jwks.json";type=directory;type=jwks_uri',
      '"signature-agent";key="a"',
      'credential_malformed',
    ],
  ])('refuses %s', (_name, header, covered, code) => {
    expect(failure(() => read(header, covered))?.code).toBe(code);
  });

  it.each([
    ['g1', '"https://a.example"', '"signature-agent"'],
    ['g2-directory', 'a="https://a.example";type=directory', '"signature-agent";key="a"'],
    ['g3', 'a="https://a.example/jwks.json"', '"signature-agent";key="a"'],
  ] as const)(
    'refuses %s when webBotAuth.generations leaves it out',
    (generation, header, covered) => {
      const others = new Set(WEB_BOT_AUTH_GENERATIONS.filter((g) => g !== generation));
      expect(failure(() => read(header, covered, others))?.code).toBe('key_unresolvable');
    },
  );
});

describe('normaliseAgentUrl', () => {
  it.each([
    ['HTTPS://Agent.EXAMPLE:443/a/../keys/%7euser/%2fx', 'https://agent.example/keys/~user/%2Fx'],
    ['https://agent.example/jwks.json?b=1#frag', 'https://agent.example/jwks.json'],
    ['https://agent.example', 'https://agent.example'],
  ])('gives %s the identifier %s', (url, identifier) => {
    expect(normaliseAgentUrl(url).identifier).toBe(identifier);
  });
});
