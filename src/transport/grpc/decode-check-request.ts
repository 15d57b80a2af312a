import type { CheckRequestMessage, HttpRequestMessage, PeerMessage } from './check-messages.js';
import { DecodeBudget, type DecodeLimits, within } from './decode-budget.js';
import { readHeaderEntry, readHeaderMap, readMapEntry } from './read-header-lines.js';
import { expectWireType, FieldLimitExceeded, WireReader, WireType } from './wire-reader.js';

type Attributes = NonNullable<CheckRequestMessage['attributes']>;

/**
 * Bytes of envoy.service.auth.v3.CheckRequest → the fields of it that toAuthzRequest reads, and
 * nothing else: the destination, the request time, TLS and metadata contexts are skipped
 * without building an object for them. Field numbers are those of proto/ (test/wire-compat
 * checks them against Envoy's own protos and this decoder against protobufjs's). As in
 * protobufjs, a repeated singular message replaces the earlier one and a map entry repeated by
 * key keeps the last value. Unlike protobufjs, a known field with the wrong wire type or a
 * length past its message throws (WireFormatError) instead of being read as something else.
 *
 * What it builds is bounded by `limits` while it decodes (DecodeBudget): header lines past
 * `maxHeaderLines` or `maxHeaderBytes`, and a peer principal or certificate past
 * `maxHeaderBytes`, are never built and the message says where it was cut (`cut`); a message
 * with more fields than the budget allows ends the decode at once and is only `{ cut }`.
 * Either way the check denies it `headers_too_large` before reading anything else of it.
 */
export function decodeCheckRequestFields(bytes: Buffer, limits: DecodeLimits): CheckRequestMessage {
  const budget = new DecodeBudget(limits);
  const reader = new WireReader(bytes, budget.maxFields);
  const message: CheckRequestMessage = {};
  try {
    while (reader.at < reader.end) {
      const tag = reader.tag();
      if (tag >>> 3 === 1) message.attributes = within(reader, tag, budget, readAttributes);
      else reader.skip(tag & 7);
    }
  } catch (error) {
    if (error instanceof FieldLimitExceeded) return { cut: budget.fieldsExhausted() };
    throw error;
  }
  if (budget.cut !== undefined) message.cut = budget.cut;
  return message;
}

/** One string field. */
function text(reader: WireReader, tag: number): string {
  expectWireType(tag, WireType.LEN);
  return reader.string();
}

/** AttributeContext {1: source, 4: request {2: http}, 10: context_extensions}. */
function readAttributes(reader: WireReader, budget: DecodeBudget): Attributes {
  const attributes: Attributes = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        attributes.source = within(reader, tag, budget, readPeer);
        break;
      case 4:
        attributes.request = within(reader, tag, budget, readRequest);
        break;
      case 10:
        attributes.context_extensions ??= {};
        readMapEntry(reader, tag, budget, attributes.context_extensions);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return attributes;
}

/** Peer {1: address {1: socket_address {2: address, 3: port_value}}, 4: principal, 5: certificate}. */
function readPeer(reader: WireReader, budget: DecodeBudget): PeerMessage {
  const peer: PeerMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    switch (tag >>> 3) {
      case 1:
        peer.address = within(reader, tag, budget, readAddress);
        break;
      case 4:
        peer.principal = readPeerField(reader, tag, budget);
        break;
      case 5:
        peer.certificate = readPeerField(reader, tag, budget);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return peer;
}

/** The principal or certificate, unless it is longer than the header fields may be. */
function readPeerField(reader: WireReader, tag: number, budget: DecodeBudget): string | undefined {
  expectWireType(tag, WireType.LEN);
  const end = reader.lengthDelimited();
  const start = reader.at;
  reader.at = end;
  return budget.admitPeerField(end - start) ? reader.text(start, end) : undefined;
}

function readAddress(
  reader: WireReader,
  budget: DecodeBudget,
): NonNullable<PeerMessage['address']> {
  const address: NonNullable<PeerMessage['address']> = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    if (tag >>> 3 === 1) address.socket_address = within(reader, tag, budget, readSocketAddress);
    else reader.skip(tag & 7);
  }
  return address;
}

function readSocketAddress(reader: WireReader): { address?: string; port_value?: number } {
  const socket: { address?: string; port_value?: number } = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    if (tag >>> 3 === 2) socket.address = text(reader, tag);
    else if (tag >>> 3 === 3) {
      expectWireType(tag, WireType.VARINT);
      socket.port_value = reader.uint32();
    } else reader.skip(tag & 7);
  }
  return socket;
}

/** AttributeContext.Request {2: http}; the time (1) is not read. */
function readRequest(reader: WireReader, budget: DecodeBudget): { http?: HttpRequestMessage } {
  const request: { http?: HttpRequestMessage } = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    if (tag >>> 3 === 2) request.http = within(reader, tag, budget, readHttpRequest);
    else reader.skip(tag & 7);
  }
  return request;
}

/** The string fields of AttributeContext.HttpRequest by number. */
const HTTP_STRINGS: Readonly<
  Record<number, 'id' | 'method' | 'path' | 'host' | 'scheme' | 'query'>
> = {
  1: 'id',
  2: 'method',
  4: 'path',
  5: 'host',
  6: 'scheme',
  7: 'query',
};

/** HttpRequest {3: headers, 11: body, 12: raw_body, 13: header_map, and the strings above}. */
function readHttpRequest(reader: WireReader, budget: DecodeBudget): HttpRequestMessage {
  const http: HttpRequestMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.tag();
    const field = tag >>> 3;
    const name = HTTP_STRINGS[field];
    if (name !== undefined) http[name] = text(reader, tag);
    else if (field === 3) {
      http.headers ??= {};
      readHeaderEntry(reader, tag, budget, http.headers);
    } else if (field === 11) readBody(reader, tag, budget, http);
    else if (field === 12) {
      expectWireType(tag, WireType.LEN);
      http.raw_body = reader.view();
    } else if (field === 13) http.header_map = within(reader, tag, budget, readHeaderMap);
    else reader.skip(tag & 7);
  }
  return http;
}

/**
 * The `body` string: decoded when it could be hashed, else kept as its bytes (`long_body`) —
 * the check refuses to hash it (`body_too_large`), so decoding it would be work for nothing.
 */
function readBody(
  reader: WireReader,
  tag: number,
  budget: DecodeBudget,
  http: HttpRequestMessage,
): void {
  expectWireType(tag, WireType.LEN);
  const end = reader.lengthDelimited();
  const start = reader.at;
  reader.at = end;
  const long = end - start > budget.limits.maxDigestBodyBytes;
  http.body = long ? undefined : reader.text(start, end);
  http.long_body = long ? reader.bytes.subarray(start, end) : undefined;
}
