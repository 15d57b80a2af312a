import type { ServiceDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/decision/decision.js';
import type { HeaderFields } from '../../src/request/authz-request.js';
import { decodeCheckRequest, encodeCheckResponse } from '../../src/transport/grpc/check-codec.js';
import type {
  CheckRequestMessage,
  CheckResponseMessage,
} from '../../src/transport/grpc/check-messages.js';
import { loadExternalAuthProtos, PROTO_DIR } from '../../src/transport/grpc/load-protos.js';
import { toAuthzRequest } from '../../src/transport/grpc/to-authz-request.js';
import { toCheckResponse } from '../../src/transport/grpc/to-check-response.js';
import type { UpstreamCheckResponse } from '../support/envoy-client.js';
import { UPSTREAM_INCLUDE_DIRS, upstreamExternalAuth } from '../support/upstream-protos.js';
import { codec, declaredIn, fieldShapes, loadRoot, reachableTypes } from './descriptors.js';
import {
  BODY,
  CONTEXT_EXTENSIONS,
  fullCheckRequest,
  fullDeniedResponse,
  fullOkResponse,
  HEADER_LINES,
  plainStruct,
  REQUEST_ID,
  SOURCE_CERTIFICATE,
  SOURCE_PRINCIPAL,
} from './fixtures.js';

const projectRoot = loadRoot([PROTO_DIR]);
const upstreamRoot = loadRoot(UPSTREAM_INCLUDE_DIRS);
const declared = declaredIn(projectRoot, PROTO_DIR);
const AUTHORIZATION = 'envoy.service.auth.v3.Authorization';

function pick<T>(record: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(keys.map((key) => [key, record[key] as T]));
}

function methodShapes(service: protobuf.Service) {
  return Object.fromEntries(
    service.methodsArray.map((method) => [
      method.name,
      {
        request: method.resolvedRequestType?.fullName,
        response: method.resolvedResponseType?.fullName,
        requestStream: method.requestStream === true,
        responseStream: method.responseStream === true,
      },
    ]),
  );
}

describe("the project's proto files", () => {
  it('define the ext_authz service, messages and enums the transport uses', () => {
    expect(declared.services).toEqual([AUTHORIZATION]);
    expect(declared.messages).toEqual(
      expect.arrayContaining([
        'envoy.service.auth.v3.CheckRequest',
        'envoy.service.auth.v3.CheckResponse',
        'envoy.service.auth.v3.AttributeContext.HttpRequest',
        'envoy.config.core.v3.HeaderValueOption',
        'envoy.config.core.v3.SocketAddress',
        'envoy.type.v3.HttpStatus',
        'google.rpc.Status',
      ]),
    );
    expect(declared.enums).toEqual(
      expect.arrayContaining([
        'envoy.config.core.v3.HeaderValueOption.HeaderAppendAction',
        'envoy.type.v3.StatusCode',
      ]),
    );
  });

  it.each(declared.messages)(
    "declare each field of %s with Envoy's number, type, label and oneof",
    (name) => {
      const ours = projectRoot.lookupType(name);
      const theirs = upstreamRoot.lookupType(name);
      expect(fieldShapes(theirs, Object.keys(ours.fields))).toEqual(fieldShapes(ours));
    },
  );

  it.each(declared.enums)("give every value of %s Envoy's number", (name) => {
    const ours = projectRoot.lookupEnum(name).values;
    const theirs = upstreamRoot.lookupEnum(name).values;
    expect(pick(theirs, Object.keys(ours))).toEqual(ours);
  });

  it('declare every field Envoy can put in a CheckRequest, so decoding drops nothing', () => {
    const checkRequest = upstreamRoot.lookupType('envoy.service.auth.v3.CheckRequest');
    const undeclared = reachableTypes(checkRequest).flatMap((type) => {
      const ours = projectRoot.lookup(type.fullName);
      const fields = ours instanceof protobuf.Type ? ours.fields : {};
      return type.fieldsArray
        .filter((field) => fields[field.name] === undefined)
        .map((field) => `${type.fullName.slice(1)}.${field.name}`);
    });
    expect(undeclared).toEqual([]);
  });

  it("declare the Authorization service's Check method with Envoy's types and gRPC path", () => {
    const ours = methodShapes(projectRoot.lookupService(AUTHORIZATION));
    const theirs = methodShapes(upstreamRoot.lookupService(AUTHORIZATION));
    expect(ours.Check).toEqual({
      request: '.envoy.service.auth.v3.CheckRequest',
      response: '.envoy.service.auth.v3.CheckResponse',
      requestStream: false,
      responseStream: false,
    });
    expect(pick(theirs, Object.keys(ours))).toEqual(ours);
    const checkPath = (definition: ReturnType<typeof loadExternalAuthProtos>) =>
      (definition[AUTHORIZATION] as ServiceDefinition).Check?.path;
    expect(checkPath(loadExternalAuthProtos())).toBe('/envoy.service.auth.v3.Authorization/Check');
    expect(checkPath(upstreamExternalAuth())).toBe(checkPath(loadExternalAuthProtos()));
  });
});

const upstreamRequest = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckRequest');
const projectRequest = codec(loadExternalAuthProtos(), 'envoy.service.auth.v3.CheckRequest');

describe("a fully populated CheckRequest encoded with Envoy's protos", () => {
  const wire = upstreamRequest.encode(fullCheckRequest());
  // As the servers decode: Type.decode straight into the message, no toObject.
  const fromProject = () => toAuthzRequest(decodeCheckRequest(wire));

  it("decodes to the same request with the Check path's codec as with proto-loader's", () => {
    expect(fromProject()).toEqual(
      toAuthzRequest(projectRequest.decode(wire) as CheckRequestMessage),
    );
  });

  it("carries every field of the fixture through Envoy's own protos", () => {
    expect(upstreamRequest.decode(wire)).toMatchObject(fullCheckRequest());
  });

  it('decodes with the project protos into the request, target and peer Envoy described', () => {
    expect(fromProject()).toMatchObject({
      method: 'POST',
      scheme: 'https',
      authority: 'api.example.com:8443',
      path: '/orders/42/items',
      query: 'expand=price&limit=10',
      source: {
        principal: SOURCE_PRINCIPAL,
        certificate: SOURCE_CERTIFICATE,
        address: '10.1.2.3:53122',
      },
      contextExtensions: CONTEXT_EXTENSIONS,
      requestId: REQUEST_ID,
    });
  });

  it('takes the header lines from header_map rather than the joined headers map', () => {
    const { headers } = fromProject();
    const expected = new Map<string, string[]>();
    for (const [name, value] of HEADER_LINES.filter(([name]) => !name.startsWith(':'))) {
      expected.set(name, [...(expected.get(name) ?? []), value]);
    }
    expect([...headers]).toEqual([...expected]);
    expect(headers.get('accept')).toEqual(['application/json', 'text/plain;q=0.5']);
  });

  it('delivers the forwarded body bytes, not marked truncated', () => {
    const { body } = fromProject();
    expect(body?.truncated).toBe(false);
    expect(Buffer.from(body?.bytes ?? []).toString('utf8')).toBe(BODY);
  });

  it('re-encodes with the project protos to a message Envoy decodes unchanged', () => {
    const reencoded = projectRequest.encode(projectRequest.decode(wire) as object);
    expect(upstreamRequest.decode(reencoded)).toEqual(upstreamRequest.decode(wire));
  });
});

const upstreamResponse = codec(upstreamExternalAuth(), 'envoy.service.auth.v3.CheckResponse');
const projectResponse = codec(loadExternalAuthProtos(), 'envoy.service.auth.v3.CheckResponse');

/** Encoded as the servers encode (no fromObject), decoded as Envoy decodes. */
function asEnvoySeesIt(message: CheckResponseMessage): UpstreamCheckResponse & {
  ok_response?: { headers_to_remove?: string[] };
} {
  const decoded = upstreamResponse.decode(
    Buffer.from(encodeCheckResponse(message)),
  ) as UpstreamCheckResponse;
  // The hand-written encoder means exactly what proto-loader's fromObject encoding means.
  expect(decoded).toEqual(upstreamResponse.decode(projectResponse.encode(message)));
  return decoded;
}

const overwrite = ([key, value]: readonly [string, string]) => ({
  header: { key, value },
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const AGENT_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('a CheckResponse built by toCheckResponse, as Envoy decodes it', () => {
  it('allows with the identity headers set, forged x-agent-* headers removed and metadata', () => {
    const decision: Decision = {
      allowed: true,
      identity: {
        verified: true,
        profile: 'signed-request',
        agentId: AGENT_DID,
        keyId: `${AGENT_DID}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`,
        workload: SOURCE_PRINCIPAL,
        zone: 'internal',
        trust: 'trusted',
        purpose: 'order-fulfilment',
        owner: 'team-commerce',
      },
    };
    const inbound: HeaderFields = new Map([
      ['content-type', ['application/json']],
      ['x-agent-id', ['did:key:z6MkForged']],
      ['x-agent-admin', ['true']],
      ['x-agent-scope', ['orders:*']],
    ]);
    const response = asEnvoySeesIt(toCheckResponse(decision, inbound, TRACE_ID));
    expect(response.status?.code ?? 0).toBe(0);
    expect(response.http_response).toBe('ok_response');
    expect(response.ok_response?.headers).toEqual(
      (
        [
          ['x-agent-verified', 'true'],
          ['x-agent-profile', 'signed-request'],
          ['x-agent-id', AGENT_DID],
          ['x-agent-key-id', decision.identity.keyId!],
          ['x-agent-workload', SOURCE_PRINCIPAL],
          ['x-agent-zone', 'internal'],
          ['x-agent-trust', 'trusted'],
          ['x-agent-purpose', 'order-fulfilment'],
          ['x-agent-owner', 'team-commerce'],
        ] as const
      ).map(overwrite),
    );
    // The forged inbound ones, and the owned headers (x-agent-decision, x-agent-unchecked) not set here.
    expect(response.ok_response?.headers_to_remove?.sort()).toEqual(
      ['x-agent-admin', 'x-agent-decision', 'x-agent-scope', 'x-agent-unchecked'].sort(),
    );
    expect(plainStruct(response.dynamic_metadata)).toEqual({
      agent_authz: {
        decision: 'allow',
        verified: true,
        profile: 'signed-request',
        agent_id: AGENT_DID,
        zone: 'internal',
        trust: 'trusted',
      },
    });
  });

  it('denies a missing credential with 401, both challenges and a problem body', () => {
    const decision: Decision = {
      allowed: false,
      identity: { verified: false, profile: 'unsigned' },
      reason: 'credential_missing',
      message: 'The request carries no agent credential',
    };
    const response = asEnvoySeesIt(toCheckResponse(decision, new Map(), TRACE_ID));
    expect(response.status).toEqual({ code: 16, message: 'credential_missing' });
    expect(response.http_response).toBe('denied_response');
    expect(response.denied_response?.status?.code).toBe('Unauthorized');
    expect(response.denied_response?.headers).toEqual(
      (
        [
          ['content-type', 'application/problem+json'],
          ['accept-signature', expect.stringMatching(/^sig1=\("@method" "@authority"/)],
          ['www-authenticate', 'DPoP algs="ES256 EdDSA Ed25519 ES384 PS256 RS256"'],
        ] as const
      ).map(overwrite),
    );
    expect(JSON.parse(response.denied_response?.body ?? '')).toEqual({
      type: 'urn:agent-authz:problem:credential_missing',
      title: 'Agent credential required',
      status: 401,
      detail: 'The request carries no agent credential',
      reason: 'credential_missing',
      trace_id: TRACE_ID,
    });
    expect(plainStruct(response.dynamic_metadata)).toEqual({
      agent_authz: {
        decision: 'deny',
        verified: false,
        profile: 'unsigned',
        reason: 'credential_missing',
      },
    });
  });

  it('denies a rate-limited agent with 429 and a whole-second Retry-After', () => {
    const decision: Decision = {
      allowed: false,
      identity: { verified: true, profile: 'dpop', agentId: AGENT_DID, zone: 'internal' },
      reason: 'rate_limited',
      message: 'Too many requests for this agent',
      retryAfterSeconds: 2.5,
    };
    const response = asEnvoySeesIt(toCheckResponse(decision, new Map(), TRACE_ID));
    expect(response.status).toEqual({ code: 8, message: 'rate_limited' });
    expect(response.denied_response?.status?.code).toBe('TooManyRequests');
    expect(response.denied_response?.headers).toEqual(
      (
        [
          ['content-type', 'application/problem+json'],
          ['retry-after', '3'],
        ] as const
      ).map(overwrite),
    );
    expect(JSON.parse(response.denied_response?.body ?? '')).toMatchObject({
      status: 429,
      reason: 'rate_limited',
    });
    expect(plainStruct(response.dynamic_metadata)).toEqual({
      agent_authz: {
        decision: 'deny',
        verified: true,
        profile: 'dpop',
        reason: 'rate_limited',
        agent_id: AGENT_DID,
        zone: 'internal',
      },
    });
  });
});

describe('a CheckResponse with every field the project declares, encoded by Envoy', () => {
  it.each([
    ['an ok_response', fullOkResponse],
    ['a denied_response', fullDeniedResponse],
  ])('survives a project decode and re-encode unchanged as %s', (_, build) => {
    const wire = upstreamResponse.encode(build());
    const original = upstreamResponse.decode(wire);
    expect(original).toMatchObject(build());
    const reencoded = projectResponse.encode(projectResponse.decode(wire) as object);
    expect(upstreamResponse.decode(reencoded)).toEqual(original);
  });

  it('keeps an HTTP status the project StatusCode enum does not name, by number', () => {
    const decoded = projectResponse.decode(upstreamResponse.encode(fullDeniedResponse()));
    expect(decoded).toMatchObject({ denied_response: { status: { code: 413 } } });
  });
});
