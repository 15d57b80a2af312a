import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadConfig } from './load-config.js';

const load = (flags: string[]) => loadConfig({ env: {}, flags });

/** The message of the ConfigError these flags make loadConfig throw. */
function refusal(flags: string[]): string {
  try {
    load(flags);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('the http section', () => {
  it('bounds what the HTTP transport holds by default, for an authorizer behind Envoy', () => {
    expect(load([]).http).toMatchObject({
      maxBodyBytes: 1_048_576,
      maxBufferedBodyBytes: 33_554_432,
      headersTimeout: 5000,
      requestTimeout: 10_000,
      keepAliveTimeout: 60_000,
      maxConnections: 1024,
    });
  });

  it('refuses a body budget smaller than one body, naming both fields', () => {
    expect(refusal(['--http.max-body-bytes=2048', '--http.max-buffered-body-bytes=1024'])).toMatch(
      /http\.maxBufferedBodyBytes.*must be at least http\.maxBodyBytes/s,
    );
  });

  it('refuses a headers timeout longer than the request timeout, naming both fields', () => {
    expect(refusal(['--http.headers-timeout=20s', '--http.request-timeout=10s'])).toMatch(
      /http\.headersTimeout.*must not be longer than http\.requestTimeout/s,
    );
  });
});
