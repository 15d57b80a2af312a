import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { type ConfigSources, loadConfig } from './load-config.js';

const directory = mkdtempSync(join(tmpdir(), 'agent-authz-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `text` as a fresh YAML file and returns its path. */
function yamlFile(text: string): string {
  fileCount += 1;
  const path = join(directory, `config-${fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

function load(sources: Partial<ConfigSources> = {}) {
  return loadConfig({ env: {}, flags: [], ...sources });
}

/** The ConfigError `load` throws for these sources (fails the test when it does not throw). */
function loadError(sources: Partial<ConfigSources>): ConfigError {
  try {
    load(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loading the configuration', () => {
  it('gives the embedded defaults when there is no file, variable or flag', () => {
    expect(load()).toMatchObject({
      listen: { grpc: '0.0.0.0:9191' },
      store: { memory: { maxEntries: 1_000_000 } },
      onStoreError: 'deny',
      signatures: { maxAge: 300_000, clockSkew: 30_000 },
      keys: { cacheSize: 10_000, cacheBytes: 16_777_216 },
      shutdown: { timeout: 10_000 },
      log: { level: 'info' },
    });
  });

  it('treats an empty file as the embedded defaults', () => {
    expect(load({ file: yamlFile('# nothing set\n') })).toEqual(load());
  });

  it('reads values from a YAML file and keeps the defaults for the rest', () => {
    const file = yamlFile(
      [
        'listen: { grpc: 127.0.0.1:7000 }',
        'store:',
        '  memory: { maxEntries: 5000 }',
        'onStoreError: allow',
        'signatures: { maxAge: 2m, clockSkew: 500ms }',
        'log: { level: debug }',
        '',
      ].join('\n'),
    );
    const config = load({ file });
    expect(config.listen.grpc).toBe('127.0.0.1:7000');
    expect(config.store.memory.maxEntries).toBe(5000);
    expect(config.onStoreError).toBe('allow');
    expect(config.signatures).toEqual({
      maxAge: 120_000,
      clockSkew: 500,
      maxSignatures: 8,
      maxComponents: 32,
      allowTestKeys: false,
    });
    expect(config.log.level).toBe('debug');
    expect(config.shutdown.timeout).toBe(10_000);
  });

  it('lets AGENT_AUTHZ_* environment variables override the file', () => {
    const file = yamlFile(
      'listen: { grpc: 127.0.0.1:7000 }\nsignatures: { maxAge: 2m }\nstore: { memory: { maxEntries: 5 } }\n',
    );
    const config = load({
      file,
      env: {
        AGENT_AUTHZ_SIGNATURES_MAX_AGE: '90s',
        AGENT_AUTHZ_LISTEN_GRPC: '10.0.0.1:9000',
        AGENT_AUTHZ_STORE_MEMORY_MAX_ENTRIES: '42',
        AGENT_AUTHZ_ON_STORE_ERROR: 'allow',
        UNRELATED: 'ignored',
      },
    });
    expect(config.signatures.maxAge).toBe(90_000);
    expect(config.listen.grpc).toBe('10.0.0.1:9000');
    expect(config.store.memory.maxEntries).toBe(42);
    expect(config.onStoreError).toBe('allow');
  });

  it.each([
    ['--signatures.max-age=60s'],
    ['--signatures.max-age', '60s'],
    ['--signatures.maxAge=60s'],
    ['--signatures.maxAge', '60s'],
  ])('lets the flag %s override the environment and the file', (...flags) => {
    const config = load({
      file: yamlFile('signatures: { maxAge: 2m }\n'),
      env: { AGENT_AUTHZ_SIGNATURES_MAX_AGE: '90s' },
      flags,
    });
    expect(config.signatures.maxAge).toBe(60_000);
  });

  it('returns a deeply frozen configuration', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.signatures)).toBe(true);
    expect(Object.isFrozen(config.store.memory)).toBe(true);
    expect(() => {
      (config.signatures as { maxAge: number }).maxAge = 1;
    }).toThrow(TypeError);
  });
});

describe('an invalid value in the file', () => {
  it('is reported with the field and the file position of a bad duration', () => {
    const file = yamlFile('signatures:\n  maxAge: 5 minutes\n');
    const error = loadError({ file });
    expect(error.message).toContain(`${file}:2:11: signatures.maxAge:`);
    expect(error.message).toContain('expected a duration');
  });

  it('is reported with the field and the file position of a negative maxEntries', () => {
    const file = yamlFile('store:\n  memory:\n    maxEntries: -5\n');
    expect(loadError({ file }).message).toContain(`${file}:3:17: store.memory.maxEntries:`);
  });

  it('is reported with the field and the file position of a value outside an enum', () => {
    const file = yamlFile('log: { level: debug }\nonStoreError: maybe\n');
    const error = loadError({ file });
    expect(error.message).toContain(`${file}:2:15: onStoreError:`);
    expect(error.message).toContain('"deny"|"allow"');
  });

  it('rejects a duration so long that it would overflow', () => {
    const file = yamlFile(`signatures:\n  maxAge: ${'9'.repeat(400)}h\n`);
    expect(loadError({ file }).message).toContain(`${file}:2:11: signatures.maxAge:`);
  });

  it('rejects a duration longer than a Node timer can wait (24.8 days)', () => {
    const file = yamlFile('shutdown:\n  timeout: 600h\n');
    expect(loadError({ file }).message).toContain(
      `${file}:2:12: shutdown.timeout: duration is too long`,
    );
  });

  it('rejects a listen port above 65535', () => {
    const file = yamlFile('listen:\n  grpc: 0.0.0.0:99999\n');
    expect(loadError({ file }).message).toContain(`${file}:2:9: listen.grpc: port above 65535`);
  });

  it('is still reported when an environment variable sets a field beneath it', () => {
    const file = yamlFile('signatures: 5\n');
    const error = loadError({ file, env: { AGENT_AUTHZ_SIGNATURES_MAX_AGE: '60s' } });
    expect(error.message).toContain(`${file}:1:13: signatures:`);
  });

  it('names every problem at once', () => {
    const file = yamlFile('onStoreError: maybe\nlog: { level: loud }\n');
    const { message } = loadError({ file });
    expect(message).toContain(`${file}:1:15: onStoreError:`);
    expect(message).toContain(`${file}:2:15: log.level:`);
  });
});

describe('an unknown key in the file', () => {
  it('is reported at the position of the key, with its full path', () => {
    const file = yamlFile('signatures:\n  maxAge: 60s\n  maxAg: 5s\n');
    expect(loadError({ file }).message).toContain(`${file}:3:3: signatures.maxAg: unknown field`);
  });

  it('is reported once per key at the top level', () => {
    const file = yamlFile('bogus: 1\nlisten: {}\nother: 2\n');
    const { message } = loadError({ file });
    expect(message).toContain(`${file}:1:1: bogus: unknown field`);
    expect(message).toContain(`${file}:3:1: other: unknown field`);
  });
});

describe('a file that cannot be read as YAML', () => {
  it('is reported with the position of the syntax error', () => {
    const file = yamlFile('listen:\n  grpc: 127.0.0.1:1\nsignatures: { maxAge: 5s\n');
    expect(loadError({ file }).message).toMatch(startsWith(`${file}:4:1: `));
  });

  it('is reported when a key appears twice', () => {
    const file = yamlFile('onStoreError: deny\nonStoreError: allow\n');
    expect(loadError({ file }).message).toMatch(startsWith(`${file}:2:1: `));
  });

  it('is reported when the document is not a mapping', () => {
    const file = yamlFile('- listen\n');
    expect(loadError({ file }).message).toBe(
      `${file}: the config file must be a mapping of fields`,
    );
  });

  it('is reported with the path when the file does not exist', () => {
    const file = join(directory, 'missing.yaml');
    expect(loadError({ file }).message).toBe(
      `cannot read config file ${file}: no such file (ENOENT)`,
    );
  });
});

describe('an invalid environment variable or flag', () => {
  it('names the environment variable that set a bad value', () => {
    const error = loadError({ env: { AGENT_AUTHZ_STORE_MEMORY_MAX_ENTRIES: 'lots' } });
    expect(error.message).toContain(
      'environment variable AGENT_AUTHZ_STORE_MEMORY_MAX_ENTRIES: store.memory.maxEntries:',
    );
  });

  it('names the environment variable even when the file sets the field validly', () => {
    const file = yamlFile('signatures: { maxAge: 60s }\n');
    const error = loadError({ file, env: { AGENT_AUTHZ_SIGNATURES_MAX_AGE: 'soon' } });
    expect(error.message).toContain('environment variable AGENT_AUTHZ_SIGNATURES_MAX_AGE:');
    expect(error.message).not.toContain(file);
  });

  it('names the flag that set a bad value', () => {
    const error = loadError({ flags: ['--log.level=loud'] });
    expect(error.message).toContain('option --log.level: log.level:');
  });

  it('rejects an unknown flag by name', () => {
    expect(loadError({ flags: ['--signatures.max-ages=1s'] }).message).toBe(
      'unknown option --signatures.max-ages',
    );
  });

  it('rejects a flag given without a value', () => {
    expect(loadError({ flags: ['--signatures.max-age'] }).message).toBe(
      'option --signatures.max-age needs a value',
    );
  });
});

describe('an environment placeholder in a string value of the file', () => {
  it('is replaced by the environment variable', () => {
    const file = yamlFile(`listen:\n  grpc: \${BIND_HOST}:\${BIND_PORT}\n`);
    const config = load({ file, env: { BIND_HOST: '127.0.0.1', BIND_PORT: '9500' } });
    expect(config.listen.grpc).toBe('127.0.0.1:9500');
  });

  it('is an error naming the variable and the position when the variable is unset', () => {
    const file = yamlFile(`listen:\n  grpc: \${BIND_ADDRESS}\n`);
    expect(loadError({ file }).message).toBe(
      `${file}:2:9: environment variable BIND_ADDRESS is not set`,
    );
  });

  it('is validated after it is replaced', () => {
    const file = yamlFile(`signatures:\n  maxAge: \${MAX_AGE}\n`);
    const error = loadError({ file, env: { MAX_AGE: 'forever' } });
    expect(error.message).toContain(`${file}:2:11: signatures.maxAge:`);
  });
});

describe('the check across fields', () => {
  it('requires clockSkew to be shorter than maxAge in the file', () => {
    const file = yamlFile('signatures:\n  maxAge: 10s\n  clockSkew: 10s\n');
    const { message } = loadError({ file });
    expect(message).toContain(
      `${file}:3:14: signatures.clockSkew: must be shorter than signatures.maxAge`,
    );
    expect(message).toContain(`(signatures.maxAge from ${file}:2:11)`);
  });

  it('names where each side came from when they come from different sources', () => {
    const file = yamlFile('log: { level: info }\n');
    const { message } = loadError({ file, env: { AGENT_AUTHZ_SIGNATURES_MAX_AGE: '20s' } });
    expect(message).toContain(
      'environment variable AGENT_AUTHZ_SIGNATURES_MAX_AGE: signatures.maxAge: must be longer ' +
        'than signatures.clockSkew (signatures.clockSkew is the default)',
    );
    expect(message).not.toContain('default:');
  });

  it('accepts a clockSkew shorter than maxAge', () => {
    const config = load({ flags: ['--signatures.max-age=20s', '--signatures.clock-skew=19s'] });
    expect(config.signatures).toMatchObject({ maxAge: 20_000, clockSkew: 19_000 });
  });
});

/** A pattern matching text that begins with `prefix` literally. */
function startsWith(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
}

describe('token issuers', () => {
  it('reads OAuth and DID issuers as SPEC §12 writes them', () => {
    const file = yamlFile(
      [
        'issuers:',
        '  - issuer: https://idp.example.com',
        '    jwksUri: https://idp.example.com/.well-known/jwks.json',
        '    audiences: [https://api.example.com]',
        '  - did: did:web:idp.example.com',
        'tokens: { audiences: [https://api.example.com], dpop: { maxAge: 60s } }',
        '',
      ].join('\n'),
    );
    const config = load({ file });
    expect(config.issuers).toEqual([
      {
        issuer: 'https://idp.example.com',
        jwksUri: 'https://idp.example.com/.well-known/jwks.json',
        audiences: ['https://api.example.com'],
      },
      { did: 'did:web:idp.example.com' },
    ]);
    expect(config.tokens).toMatchObject({ requireBinding: true, dpop: { maxAge: 60_000 } });
  });

  it('takes issuers as a JSON array from a flag or an environment variable', () => {
    const issuers = '[{"did":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}]';
    const flags = [
      `--issuers=${issuers}`,
      '--tokens.audiences=https://a.example,https://b.example',
    ];
    expect(load({ flags }).issuers).toHaveLength(1);
    expect(load({ flags }).tokens.audiences).toEqual(['https://a.example', 'https://b.example']);
    expect(
      load({ env: { AGENT_AUTHZ_ISSUERS: issuers }, flags: flags.slice(1) }).issuers,
    ).toHaveLength(1);
  });

  it.each([
    [
      '  - issuer: https://idp.example.com\n    audiences: [x]\n',
      '2:5: issuers.0.jwksUri: an OAuth issuer needs exactly one of jwksUri and jwks',
    ],
    [
      '  - issuer: https://idp.example.com\n    jwksUri: http://idp.example.com/jwks\n    audiences: [x]\n',
      '3:14: issuers.0.jwksUri: expected an https:// URL',
    ],
    [
      '  - did: did:web:idp.example.com\n    jwksUri: https://idp.example.com/jwks\n    audiences: [x]\n',
      'issuers.0.did: a DID issuer takes its keys from the DID document',
    ],
    [
      '  - did: did:web:idp.example.com\n',
      '2:5: issuers.0.audiences: set audiences here or tokens.audiences',
    ],
    ['  - did: web:idp.example.com\n    audiences: [x]\n', 'issuers.0.did: expected a DID'],
    [
      '  - audiences: [x]\n',
      'issuers.0.issuer: set exactly one of issuer (with jwksUri or jwks) and did',
    ],
    [
      '  - did: did:web:a.example\n    audiences: [x]\n  - did: did:web:a.example\n    audiences: [x]\n',
      'issuers.1.did: listed twice',
    ],
    [
      '  - did: did:web:a.example\n    audiences: [x]\n    algorithms: [HS256]\n',
      'issuers.0.algorithms.0:',
    ],
  ])('rejects an invalid issuer, naming the field (%#)', (yaml, expected) => {
    const file = yamlFile(`issuers:\n${yaml}`);
    expect(loadError({ file }).message).toContain(expected);
  });
});

describe('the resolver section', () => {
  it('is off by default, with the SPEC §12 defaults', () => {
    expect(load().resolver).toEqual({
      network: false,
      allowPrivateNetworks: false,
      allowedHosts: [],
      timeout: 2000,
      maxWait: 100,
      maxBytes: 65_536,
      maxKeys: 32,
      cacheTtl: { min: 60_000, max: 3_600_000 },
      cacheBytes: 16_777_216,
      maxStale: 3_600_000,
      negativeTtl: 30_000,
      maxConcurrentFetches: 16,
      maxConcurrentFetchesPerHost: 4,
      maxConcurrentFetchesPerClient: 4,
      hostCooldown: 10_000,
      caFile: '',
    });
  });

  it('reads booleans and host lists from variables and flags', () => {
    const config = load({
      env: { AGENT_AUTHZ_RESOLVER_NETWORK: 'true' },
      flags: ['--resolver.allowed-hosts=agents.example.com,*.partners.example.com'],
    });
    expect(config.resolver.network).toBe(true);
    expect(config.resolver.allowedHosts).toEqual(['agents.example.com', '*.partners.example.com']);
  });

  it('refuses cacheTtl.min above cacheTtl.max, naming both origins', () => {
    const file = yamlFile('resolver:\n  cacheTtl: { min: 2h }\n');
    expect(loadError({ file }).message).toContain(
      `${file}:2:20: resolver.cacheTtl.min: must not be longer than resolver.cacheTtl.max (resolver.cacheTtl.max from default)`,
    );
  });

  it('refuses a maxWait longer than the fetch timeout', () => {
    expect(loadError({ flags: ['--resolver.max-wait=3s'] }).message).toContain(
      'option --resolver.max-wait: resolver.maxWait: must not be longer than resolver.timeout',
    );
  });

  it('refuses a resolver.maxWait not shorter than limits.checkTimeout, naming both', () => {
    expect(loadError({ flags: ['--resolver.max-wait=140ms'] }).message).toContain(
      'option --resolver.max-wait: resolver.maxWait: must be shorter than limits.checkTimeout (limits.checkTimeout from default)',
    );
    expect(loadError({ flags: ['--limits.check-timeout=100ms'] }).message).toContain(
      'option --limits.check-timeout: limits.checkTimeout: must be longer than resolver.maxWait (resolver.maxWait is the default)',
    );
    expect(loadConfig({ env: {}, flags: ['--limits.check-timeout=101ms'] }).resolver.maxWait).toBe(
      100,
    );
  });

  it('refuses a cache budget that could not hold four of the largest documents', () => {
    expect(loadError({ flags: ['--resolver.cache-bytes=200000'] }).message).toContain(
      'resolver.cacheBytes: must be at least four times resolver.maxBytes',
    );
    expect(
      loadError({ flags: ['--resolver.cache-bytes=200000', '--resolver.max-bytes=60000'] }).message,
    ).toContain('resolver.maxBytes: must be at most a quarter of resolver.cacheBytes');
  });

  it('refuses an allowed host that is not a host name pattern', () => {
    expect(
      loadError({ flags: ['--resolver.allowed-hosts=https://agents.example.com'] }).message,
    ).toContain('resolver.allowedHosts.0: expected a lower-case host name');
  });
});

describe('a relative file path', () => {
  it("in the config file is read against the file's folder", () => {
    const file = yamlFile(
      'policy: policies/main.yaml\nresolver: { caFile: ../ca.pem }\ntokens: { jwks: { caFile: /etc/ca.pem } }\n',
    );
    const config = load({ file });
    expect(config.policy).toBe(join(directory, 'policies', 'main.yaml'));
    expect(config.resolver.caFile).toBe(join(directory, '..', 'ca.pem'));
    expect(config.tokens.jwks.caFile).toBe('/etc/ca.pem');
  });

  it('from an environment variable or a flag is read against the working directory', () => {
    const config = load({
      file: yamlFile('resolver: { caFile: ca.pem }\n'),
      env: { AGENT_AUTHZ_POLICY: 'policy.yaml' },
      flags: ['--resolver.ca-file=certs/ca.pem'],
    });
    expect(config.policy).toBe(join(process.cwd(), 'policy.yaml'));
    expect(config.resolver.caFile).toBe(join(process.cwd(), 'certs', 'ca.pem'));
  });

  it('leaves an empty caFile empty (no extra CA)', () => {
    expect(load({ file: yamlFile('resolver: { caFile: "" }\n') }).resolver.caFile).toBe('');
  });
});

describe('an error message', () => {
  it('says only that an unparsable duration is not a duration', () => {
    const { message } = loadError({ env: { AGENT_AUTHZ_SHUTDOWN_TIMEOUT: 'soon' } });
    expect(message).toBe(
      'invalid configuration: environment variable AGENT_AUTHZ_SHUTDOWN_TIMEOUT: shutdown.timeout: ' +
        'expected a duration such as 300ms, 30s, 5m or 1h',
    );
  });

  it('says that invalid JSON in an environment variable is invalid JSON', () => {
    const { message } = loadError({ env: { AGENT_AUTHZ_ISSUERS: '[{"did": ' } });
    expect(message).toContain('environment variable AGENT_AUTHZ_ISSUERS: issuers: invalid JSON');
  });
});
