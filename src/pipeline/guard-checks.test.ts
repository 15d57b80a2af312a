import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../decision/decision.js';
import type { AuthzError } from '../errors.js';
import type { AuthzRequest } from '../request/authz-request.js';
import { guardChecks, type ShedReason } from './guard-checks.js';

const REQUEST = { requestId: 'r1' } as AuthzRequest;
const ALLOWED: Decision = { allowed: true, identity: { verified: false, profile: 'unsigned' } };
const refuse = (_: AuthzRequest, error: AuthzError): Decision => ({
  allowed: false,
  identity: { verified: false, profile: 'unsigned' },
  reason: error.code,
  message: error.message,
  ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
});

/** A check that finishes when the test says so. */
function heldChecks() {
  const pending: Array<(decision: Decision) => void> = [];
  return {
    run: () => new Promise<Decision>((resolve) => pending.push(resolve)),
    finishOne: () => pending.shift()!(ALLOWED),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the in-flight bound', () => {
  it('runs exactly maxInFlight checks at once, refuses the next overloaded, and admits again once one ends', async () => {
    const held = heldChecks();
    const sheds: ShedReason[] = [];
    const check = guardChecks(held.run, refuse, {
      maxInFlight: 3,
      deadlineMs: 60_000,
      onShed: (reason) => sheds.push(reason),
    });
    const running = [check(REQUEST), check(REQUEST), check(REQUEST)];
    expect(check.inFlight()).toBe(3);
    expect(await check(REQUEST)).toMatchObject({
      allowed: false,
      reason: 'overloaded',
      retryAfterSeconds: 1,
    });
    expect(sheds).toEqual(['overloaded']);
    held.finishOne();
    expect(await running[0]).toBe(ALLOWED);
    expect(check.inFlight()).toBe(2);
    const fourth = check(REQUEST);
    expect(check.inFlight()).toBe(3);
    held.finishOne();
    held.finishOne();
    held.finishOne();
    expect(await Promise.all([running[1], running[2], fourth])).toEqual([
      ALLOWED,
      ALLOWED,
      ALLOWED,
    ]);
    expect(check.inFlight()).toBe(0);
  });
});

describe('the per-check deadline', () => {
  it('answers deadline_exceeded at the deadline and keeps the slot until the check really ends', async () => {
    vi.useFakeTimers();
    const held = heldChecks();
    const sheds: ShedReason[] = [];
    const late: Decision[] = [];
    const check = guardChecks(held.run, refuse, {
      maxInFlight: 1,
      deadlineMs: 100,
      onShed: (reason) => sheds.push(reason),
      onLateCheck: (decision) => late.push(decision),
    });
    const answer = check(REQUEST);
    await vi.advanceTimersByTimeAsync(99);
    expect(sheds).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toMatchObject({
      allowed: false,
      reason: 'deadline_exceeded',
      message: 'the check did not finish within 100 ms',
    });
    // The late check still holds its slot: an unfinished check never stops counting.
    expect(check.inFlight()).toBe(1);
    expect(await check(REQUEST)).toMatchObject({ reason: 'overloaded' });
    held.finishOne();
    await vi.advanceTimersByTimeAsync(0);
    expect(late).toEqual([ALLOWED]);
    expect(check.inFlight()).toBe(0);
    expect(sheds).toEqual(['deadline_exceeded', 'overloaded']);
  });

  it('answers each of several running checks at its own deadline, whichever ended before', async () => {
    vi.useFakeTimers();
    const held = heldChecks();
    const sheds: ShedReason[] = [];
    const check = guardChecks(held.run, refuse, {
      maxInFlight: 10,
      deadlineMs: 100,
      onShed: (reason) => sheds.push(reason),
    });
    const answers: Array<Decision | undefined> = [];
    const started = (at: number) => {
      check(REQUEST).then((decision) => {
        answers[at] = decision;
      });
    };
    started(0);
    await vi.advanceTimersByTimeAsync(30);
    started(1);
    await vi.advanceTimersByTimeAsync(30);
    started(2);
    held.finishOne();
    await vi.advanceTimersByTimeAsync(0);
    expect(answers[0]).toBe(ALLOWED);
    await vi.advanceTimersByTimeAsync(69);
    expect(answers[1]).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answers[1]).toMatchObject({ reason: 'deadline_exceeded' });
    expect(answers[2]).toBeUndefined();
    await vi.advanceTimersByTimeAsync(30);
    expect(answers[2]).toMatchObject({ reason: 'deadline_exceeded' });
    expect(sheds).toEqual(['deadline_exceeded', 'deadline_exceeded']);
    expect(check.inFlight()).toBe(2);
  });

  it('returns the check’s own decision when it finishes in time', async () => {
    const check = guardChecks(async () => ALLOWED, refuse, {
      maxInFlight: 1,
      deadlineMs: 100,
      onShed: () => {},
    });
    expect(await check(REQUEST)).toBe(ALLOWED);
  });
});

describe('a refused check in observe mode', () => {
  it('passes as not verified, with the refusal as wouldDeny', async () => {
    const { refuseCheck } = await import('./check.js');
    const { parsePolicy } = await import('../policy/load-policy.js');
    const { AuthzError } = await import('../errors.js');
    const request: AuthzRequest = {
      method: 'GET',
      receivedMethod: 'GET',
      scheme: 'https',
      authority: 'api.example.com',
      path: '/orders',
      query: null,
      headers: new Map([['signature-input', ['sig1=()']]]),
      body: null,
      source: { principal: '', certificate: '', address: '' },
      contextExtensions: {},
      requestId: 'observe',
    };
    const deps = {
      policy: () => parsePolicy('mode: observe\n'),
      tokens: undefined,
      signatureLimits: { maxSignatures: 8, maxComponents: 32 },
      onInternalError: () => {},
    } as unknown as Parameters<typeof refuseCheck>[1];
    const error = new AuthzError('overloaded', 'busy', { retryAfterSeconds: 1 });
    expect(refuseCheck(request, deps, error)).toEqual({
      allowed: true,
      identity: { verified: false, profile: 'signed-request', workload: undefined },
      wouldDeny: 'overloaded',
    });
    const enforcing = { ...deps, policy: () => parsePolicy('mode: enforce\n') };
    expect(refuseCheck(request, enforcing, error)).toMatchObject({
      allowed: false,
      reason: 'overloaded',
      retryAfterSeconds: 1,
    });
  });
});
