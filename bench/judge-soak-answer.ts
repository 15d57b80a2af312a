import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { SoakRequest } from './soak-traffic.js';

/** The checkout's proto/, from this file compiled (dist-bench/bench/) or as source (bench/). */
function protoDir(): string {
  for (const up of ['../', '../../']) {
    const dir = fileURLToPath(new URL(`${up}proto`, import.meta.url));
    if (existsSync(join(dir, 'envoy'))) return dir;
  }
  throw new Error('proto/ not found beside bench/');
}

const PROTO_DIR = protoDir();
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : join(PROTO_DIR, target));
root.loadSync(join(PROTO_DIR, 'envoy/service/auth/v3/external_auth.proto'), { keepCase: true });
const CheckResponse = root.lookupType('envoy.service.auth.v3.CheckResponse');

interface DecodedResponse {
  http_response?: 'ok_response' | 'denied_response';
  ok_response?: {
    headers?: Array<{ header?: { key?: string; value?: string } }>;
    headers_to_remove?: string[];
  };
  denied_response?: { body?: string };
}

/** How one answer went: `allowed` tells whether the request passed. */
export interface Verdict {
  readonly allowed: boolean;
  /** What is wrong with the answer, if anything. */
  readonly problem?: string;
}

/** Judges a framed CheckResponse against what the request must get. */
export function judgeAnswer(request: SoakRequest, frame: Buffer): Verdict {
  let response: DecodedResponse;
  try {
    const length = frame.readUInt32BE(1);
    response = CheckResponse.toObject(CheckResponse.decode(frame.subarray(5, 5 + length)), {
      oneofs: true,
    }) as DecodedResponse;
  } catch {
    return { allowed: false, problem: `${request.kind}: undecodable response` };
  }
  if (response.http_response !== 'ok_response') {
    const reason = reasonOf(response.denied_response?.body);
    if (request.expect !== 'denied')
      return { allowed: false, problem: `${request.kind}: denied ${reason}` };
    if (reason === 'internal_error' || reason === undefined) {
      return {
        allowed: false,
        problem: `${request.kind}: denied without a known reason (${reason})`,
      };
    }
    return { allowed: false };
  }
  const set = new Map(
    (response.ok_response?.headers ?? []).map(({ header }) => [
      header?.key ?? '',
      header?.value ?? '',
    ]),
  );
  const removed = new Set(response.ok_response?.headers_to_remove ?? []);
  const verified = set.get('x-agent-verified');
  if (request.expect === 'denied') return { allowed: true, problem: `${request.kind}: allowed` };
  if (request.expect === 'verified' && verified !== 'true') {
    return { allowed: true, problem: `${request.kind}: allowed with x-agent-verified ${verified}` };
  }
  if (request.expect === 'unverified' && verified !== 'false') {
    return { allowed: true, problem: `${request.kind}: allowed with x-agent-verified ${verified}` };
  }
  const kept = (request.forged ?? []).filter((name) => !removed.has(name) && !set.has(name));
  if (kept.length > 0)
    return { allowed: true, problem: `${request.kind}: forged ${kept.join(', ')} kept` };
  return { allowed: true };
}

function reasonOf(body: string | undefined): string | undefined {
  try {
    return (JSON.parse(body ?? '') as { reason?: string }).reason;
  } catch {
    return undefined;
  }
}
