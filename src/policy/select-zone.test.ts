import { describe, expect, it } from 'vitest';
import { authzRequestOf } from '../../test/support/authz-request-of.js';
import { parsePolicy } from './load-policy.js';
import { selectZone } from './select-zone.js';

const policy = parsePolicy(`
zones:
  - name: bank
    match: { hosts: [bank.example] }
    unsigned: allow
  - name: everything-else
    match: { paths: ["/*"] }
    unsigned: deny
`);

const zoneFor = (authority: string) =>
  selectZone(policy, {
    ...authzRequestOf({ method: 'GET', url: 'https://placeholder.example/' }),
    authority,
  })?.name;

describe('selectZone', () => {
  it('matches hosts without regard to ASCII case, port or a trailing dot', () => {
    expect(zoneFor('BANK.Example')).toBe('bank');
    expect(zoneFor('bank.example.:443')).toBe('bank');
  });

  // Envoy matches virtual hosts case-insensitively in ASCII only; Unicode case folding would
  // read U+212A KELVIN SIGN as `k` and put the request in a zone Envoy never routed it to.
  it('does not read a U+212A KELVIN SIGN as k', () => {
    expect(zoneFor('ban\u212a.example')).toBe('everything-else');
  });
});
