import { describe, expect, it } from 'vitest';
import { createTestCa } from '../../test/support/test-pki.js';
import {
  type CertificateThumbprint,
  cacheCertificateThumbprints,
} from './cache-certificate-thumbprints.js';
import { peerCertificateThumbprint } from './certificate-thumbprint.js';

/** The real computation, counted. */
function counting() {
  const computed: string[] = [];
  const thumbprintOf: CertificateThumbprint = (certificate) => {
    computed.push(certificate);
    return peerCertificateThumbprint(certificate);
  };
  return { thumbprintOf, computed };
}

async function certificates(count: number): Promise<string[]> {
  const ca = await createTestCa();
  const issued = [];
  for (let i = 0; i < count; i++) issued.push(await ca.issue({ commonName: `workload-${i}` }));
  return issued.map((certificate) => certificate.envoyCertificate);
}

describe('the certificate thumbprint cache', () => {
  it('hashes a certificate once and answers what the computation answers', async () => {
    const [mine, theirs] = await certificates(2);
    const { thumbprintOf, computed } = counting();
    const cached = cacheCertificateThumbprints(thumbprintOf, { maxEntries: 10, maxBytes: 1 << 20 });
    for (let i = 0; i < 3; i++) {
      expect(cached(mine!)).toBe(peerCertificateThumbprint(mine!));
      expect(cached(theirs!)).toBe(peerCertificateThumbprint(theirs!));
    }
    expect(peerCertificateThumbprint(mine!)).not.toBe(peerCertificateThumbprint(theirs!));
    expect(computed).toEqual([mine, theirs]);
  });

  it('keeps no answer for a text that holds no certificate', () => {
    const { thumbprintOf, computed } = counting();
    const cached = cacheCertificateThumbprints(thumbprintOf, { maxEntries: 10, maxBytes: 1 << 20 });
    for (const text of ['', 'not%20a%20certificate', '%E0%A4%A', '', 'not%20a%20certificate']) {
      expect(cached(text)).toBeUndefined();
    }
    expect(computed).toHaveLength(5);
  });

  it('is bounded by entries: past maxEntries the least recently used is hashed again', async () => {
    const [a, b, c] = await certificates(3);
    const { thumbprintOf, computed } = counting();
    const cached = cacheCertificateThumbprints(thumbprintOf, { maxEntries: 2, maxBytes: 1 << 20 });
    for (const certificate of [a, b, c, a]) cached(certificate!);
    expect(computed).toEqual([a, b, c, a]);
  });

  it('is bounded by bytes: a text larger than a quarter of the budget is not kept', async () => {
    const [certificate] = await certificates(1);
    const { thumbprintOf, computed } = counting();
    const budget = 4 * certificate!.length; // the entry weighs 2 bytes a character, and more
    const cached = cacheCertificateThumbprints(thumbprintOf, { maxEntries: 10, maxBytes: budget });
    expect(cached(certificate!)).toBe(peerCertificateThumbprint(certificate!));
    expect(cached(certificate!)).toBe(peerCertificateThumbprint(certificate!));
    expect(computed).toHaveLength(2);
  });
});
