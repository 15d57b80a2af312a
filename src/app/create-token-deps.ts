import type { Config } from '../config/config-schema.js';
import type { NetworkResolvers } from '../keys/create-network-resolvers.js';
import { createTrustedIssuers } from '../keys/create-trusted-issuers.js';
import type { Clock } from '../lib/clock.js';
import type { TokenDeps } from '../pipeline/check-deps.js';
import { cacheProofKeys } from '../proofs/cache-proof-keys.js';
import { cacheVerifiedTokens } from '../proofs/cache-verified-tokens.js';
import { createKeyStillHeld, createTokenVerifier } from '../proofs/verify-access-token.js';
import type { Logger } from '../telemetry/logger.js';

/**
 * The token profiles, when issuers are configured (SPEC §2 items 2–3). DPoP proof keys get a
 * cache of their own with the bounds of the resolved-key cache (`keys.cacheSize`,
 * `keys.cacheBytes`); `onProofKeyLookup` counts its hits and misses.
 */
export function createTokenDeps(
  config: Config,
  clock: Clock,
  network: NetworkResolvers,
  logger: Logger,
  onProofKeyLookup?: (outcome: 'hit' | 'miss') => void,
): TokenDeps | undefined {
  if (config.issuers.length === 0) return undefined;
  const { tokens } = config;
  const issuers = createTrustedIssuers(config, {
    clock,
    didMethods: network.methods,
    onJwksError: (issuer, error, retryInMs) =>
      logger.warn({ issuer, err: error, retryInMs }, 'issuer keys could not be fetched'),
  });
  const verify = createTokenVerifier(issuers, {
    clockSkewMs: tokens.clockSkew,
    clock,
    agentIdClaim: tokens.agentIdClaim,
  });
  return {
    verify: cacheVerifiedTokens(verify, {
      max: tokens.cacheSize,
      clock,
      clockSkewMs: tokens.clockSkew,
      keyStillHeld: createKeyStillHeld(issuers),
    }),
    requireBinding: tokens.requireBinding,
    proofWindow: { maxAgeMs: tokens.dpop.maxAge, clockSkewMs: tokens.clockSkew },
    proofKeys: cacheProofKeys({
      maxEntries: config.keys.cacheSize,
      maxBytes: config.keys.cacheBytes,
      ...(onProofKeyLookup === undefined ? {} : { onLookup: onProofKeyLookup }),
    }),
    schemeHeader: tokens.dpop.schemeHeader === '' ? undefined : tokens.dpop.schemeHeader,
  };
}
