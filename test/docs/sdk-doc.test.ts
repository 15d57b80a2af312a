import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sdk from '../../src/agent/index.js';

const doc = readFileSync('docs/sdk.md', 'utf8');
const entry = readFileSync('src/agent/index.ts', 'utf8');

/** Every name the SDK entry exports, types included (`type X` inside an export list). */
function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item.trim().replace(/^type\s+/, '');
      if (name !== '') names.add(name);
    }
  }
  return [...names].sort();
}

const headings = [...doc.matchAll(/^###\s+(.+)$/gm)].map(([, text]) => text!);

describe('docs/sdk.md', () => {
  it('gives every function the SDK exports a section of its own', () => {
    const functions = Object.keys(sdk).sort();
    expect(functions.length).toBeGreaterThanOrEqual(8);
    for (const name of functions) expect(headings, name).toContain(name);
  });

  it('names every type the SDK entry exports', () => {
    const names = exportedNames(entry);
    expect(names).toEqual(expect.arrayContaining(['AgentFetchOptions', 'SignRequestInput']));
    for (const name of names) expect(doc, name).toContain(`\`${name}\``.replace(/`$/, ''));
  });

  it('documents every option of signRequest, agentFetch, createDpopProof and mintToken', () => {
    const options = {
      signRequest: [
        'method',
        'url',
        'headers',
        'body',
        'key',
        'webBotAuth',
        'components',
        'coverHeaders',
        'created',
        'expiresIn',
        'nonce',
        'tag',
        'label',
        'includeAlg',
        'pathAsIs',
      ],
      agentFetch: ['key', 'token', 'fetch'],
      createDpopProof: ['privateJwk', 'method', 'url', 'accessToken', 'iat', 'jti', 'nonce'],
      mintToken: [
        'issuer',
        'subject',
        'audience',
        'bindKey',
        'bindCertificatePem',
        'scope',
        'expiresIn',
        'iat',
        'jti',
      ],
    };
    for (const [name, fields] of Object.entries(options)) {
      const section = doc.slice(
        doc.indexOf(`### ${name}`),
        doc.indexOf('\n### ', doc.indexOf(`### ${name}`) + 4),
      );
      for (const field of fields)
        expect(section, `${name}.${field}`).toMatch(new RegExp(`^\\| \`${field}\``, 'm'));
    }
  });
});
