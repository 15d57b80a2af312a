import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../errors.js';
import { GrpcCode, REASON_RESPONSES } from './reason-table.js';

const doc = readFileSync(new URL('../../docs/reason-codes.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| ([A-Z_]+) \|/gm)].map((m) => [
    m[1]!,
    { status: Number(m[2]), grpc: m[3]! },
  ]),
);
const grpcName = (code: number) =>
  Object.entries(GrpcCode).find(([, value]) => value === code)?.[0];

describe('the reason-code table', () => {
  it('documents exactly the reason codes the code knows, in docs/reason-codes.md', () => {
    expect([...rows.keys()].sort()).toEqual([...REASON_CODES].sort());
  });

  it.each([...REASON_CODES])('gives %s the same HTTP and gRPC status in code and docs', (code) => {
    const { httpStatus, grpcCode } = REASON_RESPONSES[code];
    expect(rows.get(code)).toEqual({ status: httpStatus, grpc: grpcName(grpcCode) });
  });

  it('maps every 401 to UNAUTHENTICATED and every 403 to PERMISSION_DENIED', () => {
    for (const { httpStatus, grpcCode } of Object.values(REASON_RESPONSES)) {
      if (httpStatus === 401) expect(grpcCode).toBe(GrpcCode.UNAUTHENTICATED);
      if (httpStatus === 403) expect(grpcCode).toBe(GrpcCode.PERMISSION_DENIED);
    }
  });
});
