import { describe, expect, it } from 'vitest';
import { dnsLookup, resolvePublicAddress } from './resolve-public-address.js';

const records = (v4: string[] | Error, v6: string[] | Error) => ({
  resolve4: async () => {
    if (v4 instanceof Error) throw v4;
    return v4;
  },
  resolve6: async () => {
    if (v6 instanceof Error) throw v6;
    return v6;
  },
});

describe('dnsLookup', () => {
  it('returns the A and AAAA answers together', async () => {
    const lookup = dnsLookup(
      records(['93.184.215.14'], ['2606:2800:21f:cb07:6820:80da:af6b:8b2c']),
    );
    expect(await lookup('agents.example.com')).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it('fails when neither family resolves', async () => {
    const lookup = dnsLookup(records(new Error('ENOTFOUND'), new Error('ENODATA')));
    await expect(lookup('nowhere.example')).rejects.toThrow('ENOTFOUND');
  });

  it('feeds the private-address check, which refuses a mixed answer', async () => {
    const lookup = dnsLookup(records(['93.184.215.14', '10.0.0.7'], new Error('ENODATA')));
    await expect(
      resolvePublicAddress('rebind.example', { lookup, allowPrivateNetworks: false }),
    ).rejects.toMatchObject({ outcome: 'refused' });
  });
});
