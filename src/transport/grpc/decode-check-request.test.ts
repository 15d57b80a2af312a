import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { envoyCheckRequest } from '../../../test/support/envoy-check-request.js';
import { decodeCheckRequest, encodeCheckRequest } from './check-codec.js';
import type { CheckRequestMessage } from './check-messages.js';
import { EXTERNAL_AUTH_PROTO, PROTO_DIR } from './load-protos.js';
import { toAuthzRequest } from './to-authz-request.js';
import { WireFormatError } from './wire-reader.js';

// protobufjs's generated decoder over the same protos: the reference the hand-written one keeps.
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(EXTERNAL_AUTH_PROTO, { keepCase: true });
const CheckRequest = root.lookupType('envoy.service.auth.v3.CheckRequest');

const asProtobufjsReads = (bytes: Uint8Array) =>
  toAuthzRequest(CheckRequest.decode(bytes) as unknown as CheckRequestMessage);
const asDecoded = (bytes: Uint8Array) => toAuthzRequest(decodeCheckRequest(bytes));

const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
const peer = fc.record(
  {
    address: fc.record({
      socket_address: fc.record(
        { address: text, port_value: fc.nat({ max: 0xffffffff }), resolver_name: text },
        { requiredKeys: [] },
      ),
    }),
    service: text,
    labels: fc.dictionary(text, text, { maxKeys: 2 }),
    principal: text,
    certificate: text,
  },
  { requiredKeys: [] },
);
const http = fc.record(
  {
    id: text,
    method: text,
    headers: fc.dictionary(text, text, { maxKeys: 5 }),
    header_map: fc.record({
      headers: fc.array(
        fc.record({ key: text, value: text, raw_value: bytes }, { requiredKeys: [] }),
        {
          maxLength: 5,
        },
      ),
    }),
    path: text,
    host: text,
    scheme: text,
    query: text,
    fragment: text,
    size: fc.integer({ min: -5, max: 100_000 }).map(String),
    protocol: text,
    body: text,
    raw_body: bytes,
  },
  { requiredKeys: [] },
);
/** Every field of a CheckRequest Envoy may send, arbitrary or absent, the unread ones too. */
const checkRequest = fc.record(
  {
    attributes: fc.record(
      {
        source: peer,
        destination: peer,
        request: fc.record(
          { time: fc.record({ seconds: fc.nat().map(String), nanos: fc.nat(999_999_999) }), http },
          { requiredKeys: [] },
        ),
        context_extensions: fc.dictionary(text, text, { maxKeys: 3 }),
        tls_session: fc.record({ sni: text }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const encode = (message: object) => CheckRequest.encode(CheckRequest.fromObject(message)).finish();

describe('decodeCheckRequest', () => {
  it('reads an Envoy CheckRequest into the request protobufjs reads from it', () => {
    for (const rawHeaders of [false, true]) {
      const wire = encode(
        envoyCheckRequest({
          method: 'POST',
          url: 'https://api.example.com:8443/orders/42?expand=price',
          headers: { accept: ['application/json', 'text/plain'], 'x-agent-id': 'a1' },
          body: '{"n":1}',
          rawHeaders,
          principal: 'spiffe://cluster.local/ns/billing/sa/agent',
          contextExtensions: { zone: 'payments' },
        }),
      );
      expect(asDecoded(wire)).toEqual(asProtobufjsReads(wire));
    }
  });

  test.prop([checkRequest], { numRuns: 300 })(
    'reads every encoded CheckRequest into the request protobufjs reads from it',
    (message) => {
      const wire = encode(message);
      expect(asDecoded(wire)).toEqual(asProtobufjsReads(wire));
    },
  );

  test.prop(
    [
      checkRequest,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.nat(),
    ],
    { numRuns: 500 },
  )(
    // Submessages toAuthzRequest never reads (destination, time, tls_session, …) are skipped by
    // length without being parsed, so damage inside one is refused by protobufjs and not here;
    // what the decoder does read it reads as protobufjs does, or refuses more strictly.
    'reads what both accept as protobufjs does, and refuses damage only with WireFormatError',
    (message, flips, cut) => {
      const wire = Buffer.from(encode(message));
      for (const [at, value] of flips) if (wire.length > 0) wire[at % wire.length] = value;
      const damaged = wire.subarray(0, wire.length === 0 ? 0 : cut % (wire.length + 1));
      let decoded: ReturnType<typeof asDecoded>;
      try {
        decoded = asDecoded(damaged);
      } catch (error) {
        expect(error).toBeInstanceOf(WireFormatError);
        return;
      }
      let expected: ReturnType<typeof asProtobufjsReads>;
      try {
        expected = asProtobufjsReads(damaged);
      } catch {
        return;
      }
      expect(decoded).toEqual(expected);
    },
  );

  it('reads a __proto__ map key as an own entry, as protobufjs does, never as the prototype', () => {
    const extensions = JSON.parse('{"__proto__": "x", "zone": "payments"}') as Record<
      string,
      string
    >;
    const wire = encode({ attributes: { context_extensions: extensions } });
    const read = asDecoded(wire).contextExtensions;
    expect(read).toEqual(asProtobufjsReads(wire).contextExtensions);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.entries(read)).toEqual([
      ['__proto__', 'x'],
      ['zone', 'payments'],
    ]);
  });

  it('refuses a known field sent with another wire type than its declared one', () => {
    // attributes (1) as a varint instead of a message.
    expect(() => decodeCheckRequest(Buffer.from([0x08, 0x01]))).toThrow(WireFormatError);
  });

  it('refuses a length that runs past the end of the message', () => {
    const wire = encodeCheckRequest({ attributes: { source: { principal: 'spiffe://a' } } });
    expect(() => decodeCheckRequest(wire.subarray(0, wire.length - 1))).toThrow(WireFormatError);
  });

  it('skips unknown fields of every wire type, groups included', () => {
    // field 15 varint, 14 fixed64, 13 group {field 1 varint}, 12 fixed32, then attributes {}.
    const wire = Buffer.from([
      0x78, 0x96, 0x01, 0x71, 1, 2, 3, 4, 5, 6, 7, 8, 0x6b, 0x08, 0x01, 0x6c, 0x65, 1, 2, 3, 4,
      0x0a, 0x00,
    ]);
    expect(decodeCheckRequest(wire)).toEqual({ attributes: {} });
    expect(asDecoded(wire)).toEqual(asProtobufjsReads(wire));
  });
});
