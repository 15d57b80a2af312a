import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { judgeAnswer } from '../../bench/judge-soak-answer.js';
import type { SoakRequest } from '../../bench/soak-traffic.js';

const PROTO_DIR = join(import.meta.dirname, '..', '..', 'proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(join(PROTO_DIR, 'envoy/service/auth/v3/external_auth.proto'), { keepCase: true });
const CheckResponse = root.lookupType('envoy.service.auth.v3.CheckResponse');

/** A CheckResponse as the server frames it on the wire (gRPC length prefix). */
function framed(response: object): Buffer {
  const message = CheckResponse.encode(CheckResponse.fromObject(response)).finish();
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

const allowed = (headers: Record<string, string>, removed: string[] = []) =>
  framed({
    status: { code: 0 },
    ok_response: {
      headers: Object.entries(headers).map(([key, value]) => ({ header: { key, value } })),
      headers_to_remove: removed,
    },
  });
const denied = (reason: string) =>
  framed({
    status: { code: 16 },
    denied_response: { status: { code: 401 }, body: JSON.stringify({ reason }) },
  });

const request = (kind: string, expect: SoakRequest['expect'], forged?: string[]): SoakRequest => ({
  kind,
  frame: Buffer.alloc(0),
  expect,
  hostile: expect === 'denied' || forged !== undefined,
  ...(forged === undefined ? {} : { forged }),
});

describe('the soak’s judgement of an answer', () => {
  it('fails a hostile request that was allowed', () => {
    const verdict = judgeAnswer(
      request('replay', 'denied'),
      allowed({ 'x-agent-verified': 'true' }),
    );
    expect(verdict).toEqual({ allowed: true, problem: 'replay: allowed' });
  });

  it('fails forged identity headers that were neither removed nor overwritten', () => {
    const forged = request('forged-identity-headers', 'unverified', [
      'x-agent-id',
      'x_agent_trust',
    ]);
    const answer = allowed({ 'x-agent-verified': 'false' }, ['x-agent-id']);
    expect(judgeAnswer(forged, answer)).toEqual({
      allowed: true,
      problem: 'forged-identity-headers: forged x_agent_trust kept',
    });
    const stripped = allowed({ 'x-agent-verified': 'false' }, ['x-agent-id', 'x_agent_trust']);
    expect(judgeAnswer(forged, stripped)).toEqual({ allowed: true });
  });

  it('fails a legitimate request that was denied, or allowed without being verified', () => {
    expect(judgeAnswer(request('signed-ed25519', 'verified'), denied('replayed')).problem).toBe(
      'signed-ed25519: denied replayed',
    );
    const unverified = allowed({ 'x-agent-verified': 'false' });
    expect(judgeAnswer(request('dpop', 'verified'), unverified).problem).toBe(
      'dpop: allowed with x-agent-verified false',
    );
  });

  it('fails a denial without a known reason, and passes one with a reason', () => {
    const hostile = request('bad-signature', 'denied');
    expect(judgeAnswer(hostile, denied('internal_error')).problem).toContain(
      'without a known reason',
    );
    expect(judgeAnswer(hostile, denied('signature_invalid'))).toEqual({ allowed: false });
  });
});
