import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issuerSigningKey,
  type JwksIssuerApp,
  startJwksIssuerApp,
} from '../support/jwks-issuer-app.js';

/*
 * An issuer whose jwks_uri starts failing after the key set was fetched: the keys held stay in
 * use, and the failing refresh is retried with a growing delay — not on every request that
 * passes the refresh interval — with one log line per attempt.
 */
const K1 = issuerSigningKey('k1');
/** Names k1 but is another key: its tokens are forgeries. */
const FORGER = { ...issuerSigningKey('k1'), kid: 'k1' };

let issuer: JwksIssuerApp;
const warnings: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  issuer = await startJwksIssuerApp(
    [K1.jwk],
    ['--tokens.jwks.refresh-interval=5m', '--tokens.jwks.cooldown=30s'],
    { logger: pino({ level: 'warn' }, sink) },
  );
});
afterAll(async () => issuer?.close());

const failureLines = () =>
  warnings.filter((line) => line.includes('issuer keys could not be fetched'));

/** Sends `count` forged tokens one after another; each must be refused. */
async function forged(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    expect(await issuer.reasonFor(await issuer.token(FORGER))).toBe('token_invalid');
  }
}

describe('a failing issuer JWKS refresh', () => {
  it('is retried once per backoff period however many requests pass the refresh interval, with one log line each', async () => {
    const { app, jwks } = issuer;
    expect(await issuer.reasonFor(await issuer.token(K1))).toBe('allowed');
    expect(jwks.fetches).toBe(1);
    jwks.behaviour = { status: 500 };
    app.now += 5 * 60_000 + 1;

    await forged(60);
    await expect.poll(() => failureLines().length).toBe(1);
    expect(jwks.fetches).toBe(2);

    // The first retry waits 1 s, the next 2 s: the clock is frozen in between.
    app.now += 1000;
    await forged(20);
    await expect.poll(() => failureLines().length).toBe(2);
    expect(jwks.fetches).toBe(3);
    app.now += 1000;
    await forged(20);
    expect(jwks.fetches).toBe(3);
    app.now += 1000;
    await forged(1);
    await expect.poll(() => jwks.fetches).toBe(4);
    await expect.poll(() => failureLines().length).toBe(3);
  });

  it('keeps verifying with the keys it holds, and refreshes normally once the issuer answers again', async () => {
    const { app, jwks } = issuer;
    expect(await issuer.reasonFor(await issuer.token(K1))).toBe('allowed');
    jwks.behaviour = {};
    app.now += 30_000;
    expect(await issuer.reasonFor(await issuer.token(K1))).toBe('allowed');
    await expect.poll(() => jwks.fetches).toBe(5);
    await forged(20);
    expect(jwks.fetches).toBe(5);
    expect(failureLines()).toHaveLength(3);
  });
});
