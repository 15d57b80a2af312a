import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import { REASON_RESPONSES } from '../../src/decision/reason-table.js';
import type { ReasonCode } from '../../src/errors.js';
import { encodeCheckResponse } from '../../src/transport/grpc/check-codec.js';
import { toCheckResponse } from '../../src/transport/grpc/to-check-response.js';
import { WireReader } from '../../src/transport/grpc/wire-reader.js';
import type { UpstreamCheckResponse } from '../support/envoy-client.js';
import { upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec } from './descriptors.js';

/** Envoy's CheckResponse as @grpc/grpc-js-xds ships it: an Envoy from before error_response. */
const olderEnvoy = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckResponse');

const deny = (reason: ReasonCode): Decision => ({
  allowed: false,
  identity: { verified: true, profile: 'signed-request', agentId: 'did:key:z6MkExample' },
  reason,
  message: 'the store does not answer',
});

/** Top-level fields of an encoded CheckResponse, in wire order, each with its bytes. */
function topLevelFields(bytes: Buffer): Array<[number, Buffer]> {
  const reader = new WireReader(bytes);
  const fields: Array<[number, Buffer]> = [];
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    fields.push([tag >>> 3, reader.view()]);
  }
  return fields;
}

const AUTHORIZER_FAILURES = Object.entries(REASON_RESPONSES)
  .filter(([, response]) => response.authorizerFailure === true)
  .map(([reason]) => reason as ReasonCode);

describe('an answer the authorizer could not decide', () => {
  it('covers the store, overload, deadline and internal failures', () => {
    expect(AUTHORIZER_FAILURES.sort()).toEqual(
      ['deadline_exceeded', 'internal_error', 'overloaded', 'store_unavailable'].sort(),
    );
  });

  it.each(AUTHORIZER_FAILURES)(
    '%s is written as denied_response and then, the same, as error_response',
    (reason) => {
      const bytes = Buffer.from(encodeCheckResponse(toCheckResponse(deny(reason), new Map(), 't')));
      const fields = topLevelFields(bytes);
      // Envoy 1.37+ keeps the last member of the http_response oneof it reads: error_response.
      expect(fields.map(([field]) => field)).toEqual([1, 2, 5, 4]);
      expect(fields[2]![1]).toEqual(fields[1]![1]);
    },
  );

  it('reads as the 503 denial with its problem body to an Envoy older than 1.37', () => {
    const bytes = encodeCheckResponse(toCheckResponse(deny('store_unavailable'), new Map(), 't'));
    const seen = olderEnvoy.decode(Buffer.from(bytes)) as UpstreamCheckResponse;
    expect(seen.http_response).toBe('denied_response');
    expect(seen.status).toEqual({ code: 14, message: 'store_unavailable' });
    expect(seen.denied_response?.status?.code).toBe('ServiceUnavailable');
    expect(JSON.parse(seen.denied_response?.body ?? '')).toMatchObject({
      reason: 'store_unavailable',
      status: 503,
    });
  });
});

describe('a policy denial', () => {
  // key_pending is 503 UNAVAILABLE too, but a caller chooses it (a slow key host of its own):
  // as an error_response it would open failure_mode_allow to anyone.
  it.each(['zone_denied', 'signature_invalid', 'rate_limited', 'key_pending'] as const)(
    '%s carries no error_response: Envoy counts it as a denial',
    (reason) => {
      const bytes = Buffer.from(encodeCheckResponse(toCheckResponse(deny(reason), new Map(), 't')));
      expect(topLevelFields(bytes).map(([field]) => field)).toEqual([1, 2, 4]);
    },
  );
});
