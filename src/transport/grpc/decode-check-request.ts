import type {
  CheckRequestMessage,
  HeaderValueMessage,
  HttpRequestMessage,
  PeerMessage,
} from './check-messages.js';
import { expectWireType, WireReader, WireType } from './wire-reader.js';

type Attributes = NonNullable<CheckRequestMessage['attributes']>;

/**
 * Bytes of envoy.service.auth.v3.CheckRequest → the fields of it that toAuthzRequest reads, and
 * nothing else: the destination, the request time, TLS and metadata contexts are skipped
 * without building an object for them. Field numbers are those of proto/ (test/wire-compat
 * checks them against Envoy's own protos and this decoder against protobufjs's). As in
 * protobufjs, a repeated singular message replaces the earlier one and a map entry repeated by
 * key keeps the last value. Unlike protobufjs, a known field with the wrong wire type or a
 * length past its message throws (WireFormatError) instead of being read as something else.
 */
export function decodeCheckRequestFields(bytes: Buffer): CheckRequestMessage {
  const reader = new WireReader(bytes);
  const message: CheckRequestMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) message.attributes = within(reader, tag, readAttributes);
    else reader.skip(tag & 7);
  }
  return message;
}

/** Reads one length-delimited submessage with `read`, bounded by its length. */
function within<T>(reader: WireReader, tag: number, read: (reader: WireReader) => T): T {
  expectWireType(tag, WireType.LEN);
  const outer = reader.end;
  reader.end = reader.lengthDelimited();
  const value = read(reader);
  reader.at = reader.end;
  reader.end = outer;
  return value;
}

/** AttributeContext {1: source, 4: request {2: http}, 10: context_extensions}. */
function readAttributes(reader: WireReader): Attributes {
  const attributes: Attributes = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        attributes.source = within(reader, tag, readPeer);
        break;
      case 4:
        attributes.request = within(reader, tag, readRequest);
        break;
      case 10:
        attributes.context_extensions ??= {};
        readMapEntry(reader, tag, attributes.context_extensions);
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return attributes;
}

/** Peer {1: address {1: socket_address {2: address, 3: port_value}}, 4: principal, 5: certificate}. */
function readPeer(reader: WireReader): PeerMessage {
  const peer: PeerMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        peer.address = within(reader, tag, readAddress);
        break;
      case 4:
        expectWireType(tag, WireType.LEN);
        peer.principal = reader.string();
        break;
      case 5:
        expectWireType(tag, WireType.LEN);
        peer.certificate = reader.string();
        break;
      default:
        reader.skip(tag & 7);
    }
  }
  return peer;
}

function readAddress(reader: WireReader): NonNullable<PeerMessage['address']> {
  const address: NonNullable<PeerMessage['address']> = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) address.socket_address = within(reader, tag, readSocketAddress);
    else reader.skip(tag & 7);
  }
  return address;
}

function readSocketAddress(reader: WireReader): { address?: string; port_value?: number } {
  const socket: { address?: string; port_value?: number } = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2) {
      expectWireType(tag, WireType.LEN);
      socket.address = reader.string();
    } else if (tag >>> 3 === 3) {
      expectWireType(tag, WireType.VARINT);
      socket.port_value = reader.uint32();
    } else reader.skip(tag & 7);
  }
  return socket;
}

/** AttributeContext.Request {2: http}; the time (1) is not read. */
function readRequest(reader: WireReader): { http?: HttpRequestMessage } {
  const request: { http?: HttpRequestMessage } = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 2) request.http = within(reader, tag, readHttpRequest);
    else reader.skip(tag & 7);
  }
  return request;
}

/** The string fields of AttributeContext.HttpRequest by number. */
const HTTP_STRINGS: Readonly<
  Record<number, 'id' | 'method' | 'path' | 'host' | 'scheme' | 'query' | 'body'>
> = {
  1: 'id',
  2: 'method',
  4: 'path',
  5: 'host',
  6: 'scheme',
  7: 'query',
  11: 'body',
};

/** HttpRequest {3: headers, 12: raw_body, 13: header_map, and the strings above}. */
function readHttpRequest(reader: WireReader): HttpRequestMessage {
  const http: HttpRequestMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const name = HTTP_STRINGS[field];
    if (name !== undefined) {
      expectWireType(tag, WireType.LEN);
      http[name] = reader.string();
    } else if (field === 3) {
      http.headers ??= {};
      readMapEntry(reader, tag, http.headers);
    } else if (field === 12) {
      expectWireType(tag, WireType.LEN);
      http.raw_body = reader.view();
    } else if (field === 13) {
      http.header_map = within(reader, tag, readHeaderMap);
    } else reader.skip(tag & 7);
  }
  return http;
}

/** HeaderMap {1: repeated HeaderValue {1: key, 2: value, 3: raw_value}}. */
function readHeaderMap(reader: WireReader): { headers: HeaderValueMessage[] } {
  const headers: HeaderValueMessage[] = [];
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) headers.push(within(reader, tag, readHeaderValue));
    else reader.skip(tag & 7);
  }
  return { headers };
}

function readHeaderValue(reader: WireReader): HeaderValueMessage {
  const header: HeaderValueMessage = {};
  while (reader.at < reader.end) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 || field === 2 || field === 3) expectWireType(tag, WireType.LEN);
    if (field === 1) header.key = reader.string();
    else if (field === 2) header.value = reader.string();
    else if (field === 3) header.raw_value = reader.view();
    else reader.skip(tag & 7);
  }
  return header;
}

/**
 * One map<string, string> entry {1: key, 2: value} into `map`, either defaulting to "". The
 * map is a plain object assigned to as protobufjs assigns (a `__proto__` key sets nothing).
 */
function readMapEntry(reader: WireReader, tag: number, map: Record<string, string>): void {
  expectWireType(tag, WireType.LEN);
  const outer = reader.end;
  reader.end = reader.lengthDelimited();
  let key = '';
  let value = '';
  while (reader.at < reader.end) {
    const entryTag = reader.uint32();
    const field = entryTag >>> 3;
    if (field === 1 || field === 2) expectWireType(entryTag, WireType.LEN);
    if (field === 1) key = reader.string();
    else if (field === 2) value = reader.string();
    else reader.skip(entryTag & 7);
  }
  reader.end = outer;
  map[key] = value;
}
