import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type KeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface TestCertificate {
  readonly pem: string;
  readonly privateKeyPem: string;
  /** `attributes.source.certificate` as Envoy sends it: the URL-encoded PEM. */
  readonly envoyCertificate: string;
}

export interface TestCa {
  readonly pem: string;
  /** A leaf certificate signed by this CA, valid from an hour ago for a day (real time). */
  issue(subject: {
    commonName: string;
    spiffeId?: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    server?: boolean;
  }): Promise<TestCertificate>;
}

/** A throwaway P-256 certificate authority, generated in the test, for client and server certs. */
export async function createTestCa(name = 'agent-authz test CA'): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  return {
    pem: ca.toString('pem'),
    issue: async (subject) => {
      const leafKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
        'sign',
        'verify',
      ])) as KeyPair;
      const names: x509.JsonGeneralName[] = [
        ...(subject.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(subject.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
        ...(subject.spiffeId ? [{ type: 'url' as const, value: subject.spiffeId }] : []),
      ];
      const usage = subject.server
        ? x509.ExtendedKeyUsage.serverAuth
        : x509.ExtendedKeyUsage.clientAuth;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${subject.commonName}`,
        issuer: ca.subject,
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + DAY_MS),
        signingAlgorithm: ALGORITHM,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([usage]),
          ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
        ],
      });
      const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
      const pem = leaf.toString('pem');
      return {
        pem,
        privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`,
        envoyCertificate: encodeURIComponent(pem),
      };
    },
  };
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}
