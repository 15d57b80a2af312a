import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';
import { runAgentAuthz } from '../support/cli-process.js';

// In-process through the CLI entry (the same command table and dispatcher as the binary); the
// binary itself is run once, at the end, to prove the process wiring: exit statuses, streams.

const COMMANDS = [
  ['serve'],
  ['keygen'],
  ['sign'],
  ['check'],
  ['request'],
  ['did-web'],
  ['directory'],
  ['directory', 'check'],
  ['directory', 'print'],
  ['directory', 'serve'],
  ['policy'],
  ['policy', 'check'],
  ['token'],
  ['token', 'mint'],
  ['token', 'proof'],
];

describe('agent-authz --help', () => {
  it.each(COMMANDS)('prints the usage of "%s %s" on stdout and exits 0', async (...command) => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await runCliInProcess([...command, flag]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(new RegExp(`^usage: agent-authz ${command.join(' ')}`));
    }
  });

  it('prints the list of commands for agent-authz --help', async () => {
    const { code, stdout } = await runCliInProcess(['--help']);
    expect(code).toBe(0);
    for (const [name] of COMMANDS) expect(stdout).toContain(`  ${name} `);
  });
});

describe('agent-authz without a command', () => {
  it('prints the usage on stderr and exits 2 instead of starting a server', async () => {
    const { code, stdout, stderr } = await runCliInProcess([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^usage: agent-authz <command>/);
  });
});

describe('agent-authz --version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await runCliInProcess(['--version'])).toEqual({
      code: 0,
      failed: false,
      stdout: `${version}\n`,
      stderr: '',
    });
  });
});

describe('a bad command line', () => {
  it.each([
    [['serve', '--config'], 'agent-authz serve: option --config needs a value'],
    [
      ['serve', '--config', '--log.level=debug'],
      'agent-authz serve: option --config needs a value',
    ],
    [['serve', '--listen.grpc'], 'agent-authz serve: option --listen.grpc needs a value'],
    [
      ['serve', '--listen.grcp=127.0.0.1:9191'],
      'agent-authz serve: unknown option --listen.grcp; did you mean --listen.grpc?',
    ],
    [['keygen', '--bogus'], 'agent-authz keygen: unknown option --bogus'],
    [['keygen', '--typ', 'p256'], 'agent-authz keygen: unknown option --typ; did you mean --type?'],
    [['keygen', '--type'], 'agent-authz keygen: option --type needs a value'],
    [['sign', '--key'], 'agent-authz sign: option --key needs a value'],
    [
      ['check', '--frobnicate', 'https://a.example/'],
      'agent-authz check: unknown option --frobnicate',
    ],
    [['request', '--bogus', 'https://a.example/'], 'agent-authz request: unknown option --bogus'],
    [['request', '--key'], 'agent-authz request: option --key needs a value'],
    [['request', 'https://a.example/'], 'agent-authz request: --key is required'],
    [['did-web', '--format'], 'agent-authz did-web: option --format needs a value'],
    [['did-web', '--nope'], 'agent-authz did-web: unknown option --nope'],
    [['serve', '--workers'], 'agent-authz serve: option --workers needs a value'],
    [['token', 'mint', '--sub'], 'agent-authz token mint: option --sub needs a value'],
    [['token', 'proof', '--nope'], 'agent-authz token proof: unknown option --nope'],
    [['token', 'burn'], 'agent-authz token: unknown subcommand "burn"'],
    [
      ['token', 'mnit'],
      'agent-authz token: unknown subcommand "mnit" (mint, proof); did you mean "mint"?',
    ],
    [
      ['policy', 'check', '--strict', 'p.yaml'],
      'agent-authz policy check: unknown option --strict',
    ],
    [['policy', 'lint'], 'agent-authz policy: unknown subcommand "lint"'],
    [['directory', 'fix'], 'agent-authz directory: unknown subcommand "fix"'],
    [['directory', 'check'], 'agent-authz directory check: give one URL or did:web DID'],
    [
      ['directory', 'check', 'ftp://a.example/'],
      'agent-authz directory check: "ftp://a.example/" is not',
    ],
    [['directory', 'print'], 'agent-authz directory print: --key FILE is required'],
    [
      ['directory', 'serve', '--key', 'k.json'],
      'agent-authz directory serve: --listen HOST:PORT is required',
    ],
    [
      ['sign', '--generation', 'g3', 'https://a.example/'],
      'agent-authz sign: --generation needs --signature-agent',
    ],
    [
      ['sign', '--key', 'k.json', '--cover', 'x-foo', 'https://a.example/'],
      'agent-authz sign: --cover x-foo: the request has no x-foo header; add it with -H "x-foo: VALUE"',
    ],
    [['launch'], 'agent-authz: unknown command "launch"'],
    [['tokn'], 'agent-authz: unknown command "tokn"; did you mean "token"?'],
  ])('%j exits 2 with one line naming the command', async (args, message) => {
    const { code, stdout, stderr } = await runCliInProcess(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain(message);
  });
});

describe('option values', () => {
  it('are accepted as --opt value and as --opt=value', async () => {
    for (const args of [
      ['keygen', '--type', 'p256'],
      ['keygen', '--type=p256'],
    ]) {
      const { code, stdout } = await runCliInProcess(args);
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as { didKey: string }).didKey).toMatch(/^did:key:zDn/);
    }
  });
});

describe('the agent-authz binary', () => {
  it('prints help with exit 0, and a bad command line as one line on stderr with exit 2', async () => {
    const help = await runAgentAuthz(['--help']);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: agent-authz <command>/);
    const bad = await runAgentAuthz(['keygen', '--bogus']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'agent-authz keygen: unknown option --bogus (see agent-authz keygen --help)\n',
    });
  });
});
