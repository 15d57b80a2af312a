import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import type { JSONWebKeySet } from 'jose';

export interface FetchJwksOptions {
  /** The whole fetch — connect, TLS, response — must finish within this. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Extra trusted CA certificates (PEM), added to Node's bundled roots. */
  readonly ca?: string | undefined;
}

/** Fetches a JWKS: the status, size, time or JSON shape of the answer is why it was refused. */
export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError';
}

/**
 * GET a JSON Web Key Set over HTTPS. Only a 200 counts, redirects are not followed, the body is
 * cut off at `maxBytes`, and the fetch is abandoned at `timeoutMs`. TLS is always verified.
 */
export function fetchJwks(uri: string, options: FetchJwksOptions): Promise<JSONWebKeySet> {
  const url = new URL(uri);
  if (url.protocol !== 'https:') return Promise.reject(new JwksFetchError('not an https URL'));
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      call.destroy();
      reject(new JwksFetchError(`${url.origin}${url.pathname}: ${message}`));
    };
    const call = request(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
    });
    const timer = setTimeout(
      () => fail(`no answer within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    call.on('error', (error) => fail(error.message));
    call.on('response', (response) => {
      if (response.statusCode !== 200) return fail(`status ${response.statusCode}`);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) fail(`larger than ${options.maxBytes} bytes`);
        else chunks.push(chunk);
      });
      response.on('error', (error) => fail(error.message));
      response.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(asKeySet(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch (error) {
          reject(new JwksFetchError(`${url.origin}${url.pathname}: ${(error as Error).message}`));
        }
      });
    });
    call.end();
  });
}

function asKeySet(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwksFetchError('not a JWKS (no "keys" array)');
  return { keys: keys.filter((key) => typeof key === 'object' && key !== null) };
}
