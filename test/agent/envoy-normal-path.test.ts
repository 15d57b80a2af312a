import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFetch, generateAgentKey, signRequest } from '../../src/agent/index.js';
import { runAgentAuthz } from '../support/cli-process.js';
import {
  applyEnvoyPathRules,
  type EnvoyPathSettings,
  readEnvoyPathSettings,
} from '../support/envoy-path-rules.js';
import { useEnvoyLikeFront } from '../support/start-envoy-like-front.js';
import { useTestApp } from '../support/start-test-app.js';

/*
 * Envoy rewrites `:path` (normalize_path, merge_slashes, path_with_escaped_slashes_action)
 * before ext_authz runs, so agent-authz verifies `@path` against the path Envoy forwards. The
 * SDK must sign exactly that path and send it, or refuse what Envoy would not forward.
 */

const FILES = ['envoy/envoy-grpc.yaml', 'envoy/envoy-http.yaml'];

/** Paths that Envoy's rules change, and what they become. */
const SHAPES: ReadonlyArray<readonly [string, string]> = [
  ['/a//b', '/a/b'],
  ['/a/%7Euser', '/a/~user'],
  ['/a/%7euser/%41', '/a/~user/A'],
  ['/a|b', '/a%7Cb'],
  ['/a^b', '/a%5Eb'],
  ['/a`b', '/a%60b'],
  ['/a{b}', '/a%7Bb%7D'],
  ['/a/./b/../c//d/', '/a/c/d/'],
  ['/caf\u00e9', '/caf%C3%A9'],
];

describe('the Envoy path rules this test applies', () => {
  const settings: EnvoyPathSettings = {
    normalizePath: true,
    mergeSlashes: true,
    escapedSlashes: 'REJECT_REQUEST',
  };

  it.each(SHAPES)('forward %s as %s', (path, forwarded) => {
    expect(applyEnvoyPathRules(`${path}?q=%7E`, settings)).toEqual({
      forward: `${forwarded}?q=%7E`,
    });
  });

  it('reject a %2F or %5C with 400, or unescape and redirect, as configured', () => {
    expect(applyEnvoyPathRules('/a%2Fb', settings)).toEqual({ reject: 400 });
    expect(
      applyEnvoyPathRules('/a%5cb//c', { ...settings, escapedSlashes: 'UNESCAPE_AND_REDIRECT' }),
    ).toEqual({ redirect: '/a/b/c' });
  });
});

describe.each(FILES)('an SDK-signed request through the path rules of %s', (file) => {
  const settings = readEnvoyPathSettings(file);
  const server = useTestApp();
  const front = useEnvoyLikeFront(server, { paths: settings });

  it('is configured to normalise paths, merge slashes and reject escaped slashes', () => {
    expect(settings).toEqual({
      normalizePath: true,
      mergeSlashes: true,
      escapedSlashes: 'REJECT_REQUEST',
    });
  });

  it.each(SHAPES)('verifies for %s, sent in the form Envoy forwards unchanged', async (path) => {
    const response = await agentFetch({ key: generateAgentKey() })(`${front.base()}${path}?q=1`);
    expect(response.status).toBe(200);
    expect((await response.json()) as object).toMatchObject({
      headers: { 'x-agent-verified': 'true' },
    });
    const sent = front.received.at(-1)!;
    expect(applyEnvoyPathRules(sent, settings)).toEqual({ forward: sent });
  });

  it.each(SHAPES)('verifies for %s signed with signRequest and sent as written', async (path) => {
    const url = `${front.base()}${path}`;
    const headers = signRequest({ method: 'GET', url, key: generateAgentKey() });
    const response = await fetch(new URL(url), { headers });
    expect(response.status).toBe(200);
  });

  it.each(['/a%2Fb', '/a%5cb'])(
    'refuses to sign %s, which Envoy would not forward',
    async (path) => {
      const send = agentFetch({ key: generateAgentKey() });
      await expect(send(`${front.base()}${path}`)).rejects.toThrow(/%2F.*%5C|escaped slash/);
    },
  );
});

describe('the CLI through the path rules of envoy/envoy-grpc.yaml', () => {
  const server = useTestApp();
  const front = useEnvoyLikeFront(server, { paths: readEnvoyPathSettings(FILES[0]!) });
  let dir: string;
  let key: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-authz-paths-'));
    key = join(dir, 'agent.json');
    await runAgentAuthz(['keygen', '--out', key]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sign signs the path Envoy forwards and names that URL on stderr', async () => {
    const { code, stdout, stderr } = await runAgentAuthz([
      'sign',
      '--key',
      key,
      `${front.base()}/a//b|c`,
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`signed ${front.base()}/a/b%7Cc, the URL Envoy forwards`);
    const headers = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    const response = await fetch(`${front.base()}/a//b|c`, { headers });
    expect(response.status).toBe(200);
  });

  it('request sends the path Envoy forwards, and it verifies', async () => {
    const { code, stdout } = await runAgentAuthz([
      'request',
      '--key',
      key,
      `${front.base()}/x/%7Ey//z^`,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      path: '/x/~y/z%5E',
      headers: { 'x-agent-verified': 'true' },
    });
  });

  it.each(['sign', 'request', 'check'])(
    '%s refuses a path holding an escaped slash, exiting 2',
    async (command) => {
      const { code, stderr } = await runAgentAuthz([
        command,
        '--key',
        key,
        `${front.base()}/a%2Fb`,
      ]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/escaped slash \(%2F or %5C\)/);
    },
  );

  it('signs the path as written with --path-as-is', async () => {
    const { code, stderr } = await runAgentAuthz([
      'sign',
      '--key',
      key,
      '--path-as-is',
      `${front.base()}/a//b`,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});
