import { z } from 'zod';
import { durationSchema } from './duration.js';

const memorySchema = z.strictObject({
  maxEntries: z
    .int()
    .positive()
    .prefault(1_000_000)
    .describe('replay entries held; at capacity new nonces are refused, never evicted'),
  maxAgents: z
    .int()
    .positive()
    .prefault(100_000)
    .describe('agents whose history, workload bindings and rate limits are held'),
});

const redisSchema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'expected redis://[user:password@]host:port[/db] or rediss://…')
    .prefault('redis://127.0.0.1:6379')
    .describe('redis:// or rediss:// (TLS) URL; user name and password are taken from it'),
  cluster: z
    .boolean()
    .prefault(false)
    .describe('the url is one node of a Redis Cluster; the other nodes are discovered'),
  keyPrefix: z
    .string()
    .prefault('agent-authz:')
    .describe('prefix of every key and channel; give each deployment sharing a Redis its own'),
  timeout: durationSchema
    .prefault('50ms')
    .describe('deadline of one Redis call on the check path; keep well under Envoy’s 200 ms'),
  connectTimeout: durationSchema.prefault('1s').describe('deadline of one connection attempt'),
  maxInFlight: z
    .int()
    .positive()
    .prefault(1000)
    .describe('Redis calls outstanding at once; a check needing one more is denied, not queued'),
  resyncInterval: durationSchema
    .prefault('2s')
    .describe('how often revocations are reloaded and a Redis that lost its data is detected'),
  historyCache: durationSchema
    .prefault('500ms')
    .refine(
      (ms) => ms <= 1000,
      'at most 1s, so a quarantine missed by pub/sub still holds within it',
    )
    .describe(
      'how long a process reuses an agent’s history read from Redis (0: read on every check); changes made by any replica reach every process at once by pub/sub',
    ),
  activityTtl: durationSchema
    .prefault('168h')
    .describe(
      'how long an agent’s activity counts live after its last request (pins never expire)',
    ),
});

/**
 * `store`: exactly one of `memory` (the default) and `redis`. `memory` always comes out filled
 * with its defaults; it is in use when `redis` is absent.
 */
export function storeSchema() {
  return z
    .strictObject({
      memory: memorySchema.optional().describe('the single-process store (default)'),
      redis: redisSchema.optional().describe('the shared store for several replicas or workers'),
    })
    .prefault({})
    .superRefine((store, context) => {
      if (store.memory !== undefined && store.redis !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['redis'],
          message: 'set exactly one of store.memory and store.redis',
        });
      }
    })
    .transform((store) => ({
      memory: store.memory ?? memorySchema.parse({}),
      redis: store.redis,
    }));
}
