import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../errors.js';
import { createNetworkResolvers } from './create-network-resolvers.js';

const OPTIONS = { clock: () => 0, maxEntries: 10 };
const resolverConfig = (flags: string[]) =>
  loadConfig({ env: {}, flags: ['--resolver.network=true', ...flags] }).resolver;

describe('createNetworkResolvers', () => {
  it('adds no DID method and refuses directories when network resolution is off', async () => {
    const network = createNetworkResolvers(loadConfig({ env: {}, flags: [] }).resolver, OPTIONS);
    expect(Object.keys(network.methods)).toEqual([]);
    const location = {
      generation: 'g1',
      fetchUrl: new URL('https://a.example/.well-known/http-message-signatures-directory'),
      agentId: 'https://a.example',
    } as const;
    await expect(network.resolveDirectoryKey(location, 'x')).rejects.toMatchObject({
      code: 'did_method_unsupported',
    });
  });

  it('adds did:web when network resolution is on', () => {
    expect(Object.keys(createNetworkResolvers(resolverConfig([]), OPTIONS).methods)).toEqual([
      'web',
    ]);
  });

  it('refuses a caFile that cannot be read, naming the field', () => {
    const run = () =>
      createNetworkResolvers(resolverConfig(['--resolver.ca-file=/nonexistent/ca.pem']), OPTIONS);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('resolver.caFile: cannot read /nonexistent/ca.pem: ENOENT');
  });

  it('refuses a caFile that holds no PEM certificate', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agent-authz-ca-')), 'ca.pem');
    writeFileSync(file, 'not a certificate\n');
    expect(() =>
      createNetworkResolvers(resolverConfig([`--resolver.ca-file=${file}`]), OPTIONS),
    ).toThrow(`resolver.caFile: ${file} holds no PEM certificate`);
  });
});
