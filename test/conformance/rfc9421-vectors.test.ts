import { createPrivateKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeaders } from '../../src/credentials/parse-signature-headers.js';
import type { SignatureCandidate } from '../../src/credentials/signature-candidate.js';
import { importPublicJwk, type VerificationKey } from '../../src/keys/verification-key.js';
import { buildSignatureBase, type SignedMessage } from '../../src/proofs/signature-base.js';
import { verifyHttpSignature } from '../../src/proofs/verify-http-signature.js';
import { verifySignatureBytes } from '../../src/proofs/verify-signature-bytes.js';
import {
  TEST_KEY_ECC_P256_PUBLIC,
  TEST_KEY_ED25519_PRIVATE,
  TEST_KEY_ED25519_PUBLIC,
  TEST_KEY_RSA_PSS_PUBLIC,
} from '../fixtures/rfc9421-keys.js';

const LIMITS = { maxSignatures: 8, maxComponents: 32 };

/*
 * RFC 9421 Appendix B.2 test cases. Values the RFC wraps per RFC 8792 are joined here without
 * the wrapping. B.2.2 (`@query-param`) and B.2.5 (HMAC) are not supported by this service.
 */

/** The B.2 `test-request`: POST /foo?param=Value&Pet=dog to example.com. */
const TEST_REQUEST: SignedMessage = {
  method: 'POST',
  scheme: 'https',
  authority: 'example.com',
  path: '/foo',
  query: 'param=Value&Pet=dog',
  headers: fields({
    host: 'example.com',
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'content-length': '18',
  }),
};

/** The B.2 `test-response`: 200 with `{"message": "good dog"}`, in reply to the test-request. */
const TEST_RESPONSE: SignedMessage = {
  ...TEST_REQUEST,
  status: 200,
  headers: fields({
    date: 'Tue, 20 Apr 2021 02:07:56 GMT',
    'content-type': 'application/json',
    'content-digest':
      'sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
    'content-length': '23',
  }),
};

interface Vector {
  readonly section: string;
  readonly title: string;
  readonly message: SignedMessage;
  readonly jwk: Record<string, string>;
  readonly label: string;
  readonly keyId: string;
  readonly signatureInput: string;
  readonly signature: string;
  readonly base: string;
}

const VECTORS: readonly Vector[] = [
  {
    section: 'B.2.1',
    title: 'minimal signature using rsa-pss-sha512',
    message: TEST_REQUEST,
    jwk: TEST_KEY_RSA_PSS_PUBLIC,
    label: 'sig-b21',
    keyId: 'test-key-rsa-pss',
    signatureInput:
      'sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"',
    signature:
      'sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:',
    base: '"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"',
  },
  {
    section: 'B.2.3',
    title: 'full coverage using rsa-pss-sha512',
    message: TEST_REQUEST,
    jwk: TEST_KEY_RSA_PSS_PUBLIC,
    label: 'sig-b23',
    keyId: 'test-key-rsa-pss',
    signatureInput:
      'sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"',
    signature:
      'sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:',
    base: lines(
      '"date": Tue, 20 Apr 2021 02:07:55 GMT',
      '"@method": POST',
      '"@path": /foo',
      '"@query": ?param=Value&Pet=dog',
      '"@authority": example.com',
      '"content-type": application/json',
      '"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      '"content-length": 18',
      '"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"',
    ),
  },
  {
    section: 'B.2.4',
    title: 'signing a response using ecdsa-p256-sha256',
    message: TEST_RESPONSE,
    jwk: TEST_KEY_ECC_P256_PUBLIC,
    label: 'sig-b24',
    keyId: 'test-key-ecc-p256',
    signatureInput:
      'sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
    signature:
      'sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:',
    base: lines(
      '"@status": 200',
      '"content-type": application/json',
      '"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
      '"content-length": 23',
      '"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
    ),
  },
  {
    section: 'B.2.6',
    title: 'signing a request using ed25519',
    message: TEST_REQUEST,
    jwk: TEST_KEY_ED25519_PUBLIC,
    label: 'sig-b26',
    keyId: 'test-key-ed25519',
    signatureInput:
      'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
    signature:
      'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
    base: lines(
      '"date": Tue, 20 Apr 2021 02:07:55 GMT',
      '"@method": POST',
      '"@path": /foo',
      '"@authority": example.com',
      '"content-type": application/json',
      '"content-length": 18',
      '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
    ),
  },
];

describe.each(VECTORS)('RFC 9421 $section, $title', (vector) => {
  it('parses Signature-Input and Signature into one candidate with the RFC parameters', () => {
    const candidates = parseSignatureHeaders(vector.signatureInput, vector.signature, LIMITS);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({
      label: vector.label,
      params: { created: 1618884473, keyid: vector.keyId },
    });
  });

  it('builds the RFC signature base byte for byte', () => {
    expect(buildSignatureBase(vector.message, candidateOf(vector))).toBe(vector.base);
  });

  it('verifies the RFC signature with the RFC key', () => {
    expect(() =>
      verifyHttpSignature(vector.message, candidateOf(vector), keyOf(vector)),
    ).not.toThrow();
  });

  it('does not verify the RFC signature over a base whose created is one second later', () => {
    const tampered = vector.base.replace('created=1618884473', 'created=1618884474');
    expect(tampered).not.toBe(vector.base);
    const { signature } = candidateOf(vector);
    expect(verifySignatureBytes(keyOf(vector), Buffer.from(tampered), signature)).toBe(false);
  });
});

describe('RFC 9421 B.2.6 with test-key-ed25519', () => {
  const vector = VECTORS.find((v) => v.section === 'B.2.6')!;

  it('reproduces the RFC signature exactly, because Ed25519 is deterministic', () => {
    const privateKey = createPrivateKey({ key: TEST_KEY_ED25519_PRIVATE, format: 'jwk' });
    const signature = sign(null, Buffer.from(vector.base), privateKey);
    expect(signature.equals(candidateOf(vector).signature)).toBe(true);
  });

  it('is signature_invalid once the covered path is changed', () => {
    const moved = { ...vector.message, path: '/bar' };
    expect(() => verifyHttpSignature(moved, candidateOf(vector), keyOf(vector))).toThrow(
      expect.objectContaining({
        code: 'signature_invalid',
        message: 'the signature does not verify',
      }),
    );
  });
});

describe('the @status derived component', () => {
  const vector = VECTORS.find((v) => v.section === 'B.2.4')!;

  it('binds the B.2.4 signature to status 200, so a 404 does not verify', () => {
    const notFound = { ...vector.message, status: 404 };
    expect(() => verifyHttpSignature(notFound, candidateOf(vector), keyOf(vector))).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    );
  });

  it('is credential_malformed in a request, which has no status', () => {
    const [candidate] = parseSignatureHeaders(
      'sig=("@status");created=1618884473',
      'sig=:AA==:',
      LIMITS,
    );
    expect(() => buildSignatureBase(TEST_REQUEST, candidate!)).toThrow(
      expect.objectContaining({
        code: 'credential_malformed',
        message: 'unsupported in a request signature: @status',
      }),
    );
  });
});

/*
 * RFC 9421 §2.1, §2.1.1 and §2.1.2: the field values of the section's example message, as the
 * component lines the RFC lists for them (the obs-fold written here with the CRLF it stands for).
 */
describe('RFC 9421 §2.1 component values of HTTP fields', () => {
  const message: SignedMessage = {
    ...TEST_REQUEST,
    headers: new Map([
      ['host', ['www.example.com']],
      ['date', ['Tue, 20 Apr 2021 02:07:56 GMT']],
      ['x-ows-header', ['   Leading and trailing whitespace.   ']],
      ['x-obs-fold-header', ['Obsolete\r\n    line folding.']],
      ['cache-control', ['max-age=60', '   must-revalidate']],
      ['example-dict', [' a=1,    b=2;x=1;y=2,   c=(a   b   c)']],
      ['x-empty-header', ['']],
    ]),
  };
  const keyed: SignedMessage = {
    ...TEST_REQUEST,
    headers: new Map([['example-dict', ['  a=1, b=2;x=1;y=2, c=(a   b    c), d']]]),
  };

  /** The base lines for `components` over `of`, without the @signature-params line. */
  function lines(of: SignedMessage, components: string): string[] {
    const [candidate] = parseSignatureHeaders(`sig=(${components})`, 'sig=:AA==:', LIMITS);
    return buildSignatureBase(of, candidate!).split('\n').slice(0, -1);
  }

  it('strips OWS, replaces obs-fold with one space and joins repeated lines with ", "', () => {
    expect(
      lines(
        message,
        '"host" "date" "x-ows-header" "x-obs-fold-header" "cache-control" "example-dict" "x-empty-header"',
      ),
    ).toEqual([
      '"host": www.example.com',
      '"date": Tue, 20 Apr 2021 02:07:56 GMT',
      '"x-ows-header": Leading and trailing whitespace.',
      '"x-obs-fold-header": Obsolete line folding.',
      '"cache-control": max-age=60, must-revalidate',
      '"example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c)',
      '"x-empty-header": ',
    ]);
  });

  it('re-serialises a dictionary field with sf (§2.1.1)', () => {
    expect(lines(message, '"example-dict";sf')).toEqual([
      '"example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c)',
    ]);
  });

  it('takes one dictionary member with key (§2.1.2)', () => {
    expect(
      lines(
        keyed,
        '"example-dict";key="a" "example-dict";key="d" "example-dict";key="b" "example-dict";key="c"',
      ),
    ).toEqual([
      '"example-dict";key="a": 1',
      '"example-dict";key="d": ?1',
      '"example-dict";key="b": 2;x=1;y=2',
      '"example-dict";key="c": (a b c)',
    ]);
  });
});

function candidateOf(vector: Vector): SignatureCandidate {
  const [candidate] = parseSignatureHeaders(vector.signatureInput, vector.signature, LIMITS);
  return candidate!;
}

function keyOf(vector: Vector): VerificationKey {
  return {
    keyId: vector.keyId,
    controller: vector.keyId,
    ...importPublicJwk(vector.jwk, ['ed25519', 'ecdsa-p256-sha256', 'rsa-pss-sha512']),
  };
}

function fields(headers: Record<string, string>): Map<string, string[]> {
  return new Map(Object.entries(headers).map(([name, value]) => [name, [value]]));
}

function lines(...signatureBaseLines: string[]): string {
  return signatureBaseLines.join('\n');
}
