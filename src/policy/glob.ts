import { foldAsciiCase } from '../lib/fold-ascii-case.js';

export interface GlobOptions {
  /** Compare ignoring ASCII case only (host names): see foldAsciiCase. */
  readonly ignoreCase?: boolean;
  /**
   * Characters a single `*` does not cross (`**` crosses everything). Agent ids and workloads use
   * `:/`, so `did:web:*.example.com` cannot match `did:web:evil.net:billing.example.com`.
   */
  readonly stopAt?: string;
}

/** A compiled pattern; `test` runs in time linear in the candidate's length. */
export interface Glob {
  test(candidate: string): boolean;
}

/** Characters that separate the parts of DIDs, origins and SPIFFE ids. */
export const ID_SEPARATORS = ':/';

/** A pattern token: a character code, or one of the two wildcards. */
const STAR = -1;
const ANY = -2;

/**
 * A pattern where `**` stands for any run of characters and `*` for any run without the
 * `stopAt` characters (any run at all when there are none); everything else is literal.
 * Compiled once when the policy loads. Matching never backtracks, as a regular expression
 * would (a glob with three `*` against a 57 KB path costs ~1 s there): the literal ends are
 * compared directly and the part between them runs as an automaton over the candidate, one
 * character at a time, all pattern positions at once — linear in the candidate's length.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): Glob {
  const fold = options.ignoreCase ? foldAsciiCase : (text: string) => text;
  const tokens = tokenise(fold(pattern));
  const first = tokens.findIndex((token) => token < 0);
  if (first === -1) {
    const literal = fold(pattern);
    return { test: (candidate) => fold(candidate) === literal };
  }
  const last = tokens.findLastIndex((token) => token < 0);
  const prefix = String.fromCharCode(...tokens.slice(0, first));
  const suffix = String.fromCharCode(...tokens.slice(last + 1));
  const middle = tokens.slice(first, last + 1);
  const stops = new Set([...(options.stopAt ?? '')].map((c) => c.charCodeAt(0)));
  const matchMiddle = middleMatcher(middle, stops);
  return {
    test: (text) => {
      const candidate = fold(text);
      return (
        candidate.length >= prefix.length + suffix.length &&
        candidate.startsWith(prefix) &&
        candidate.endsWith(suffix) &&
        matchMiddle(candidate, prefix.length, candidate.length - suffix.length)
      );
    },
  };
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

type RangeMatcher = (candidate: string, from: number, to: number) => boolean;

function middleMatcher(tokens: readonly number[], stops: ReadonlySet<number>): RangeMatcher {
  if (tokens.length === 1 && (tokens[0] === ANY || stops.size === 0)) return () => true;
  if (tokens.length === 1) {
    return (candidate, from, to) => {
      for (let i = from; i < to; i++) if (stops.has(candidate.charCodeAt(i))) return false;
      return true;
    };
  }
  return tokens.length < 31 ? bitParallelMatcher(tokens, stops) : stepwiseMatcher(tokens, stops);
}

function tokenise(pattern: string): number[] {
  const tokens: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*') tokens.push(pattern.charCodeAt(i));
    else if (pattern[i + 1] === '*') {
      tokens.push(ANY);
      i++;
    } else tokens.push(STAR);
  }
  return tokens;
}

/**
 * Shift-And: bit p of `state` says "the first p tokens match what was read so far". A pattern
 * of fewer than 31 tokens fits one 32-bit integer, so each character costs a few operations.
 */
function bitParallelMatcher(tokens: readonly number[], stops: ReadonlySet<number>): RangeMatcher {
  const literalAt = new Map<number, number>();
  let starMask = 0;
  let anyMask = 0;
  let closeSteps = 0;
  for (let p = 0, run = 0; p < tokens.length; p++) {
    const token = tokens[p]!;
    run = token < 0 ? run + 1 : 0;
    closeSteps = Math.max(closeSteps, run);
    if (token === STAR) starMask |= 1 << p;
    else if (token === ANY) anyMask |= 1 << p;
    else literalAt.set(token, (literalAt.get(token) ?? 0) | (1 << p));
  }
  const wildcards = starMask | anyMask;
  // Characters below 128 are looked up in arrays: the common case costs no hashing.
  const asciiLiterals = Int32Array.from({ length: 128 }, (_, code) => literalAt.get(code) ?? 0);
  const asciiStays = Int32Array.from({ length: 128 }, (_, code) =>
    stops.has(code) ? anyMask : wildcards,
  );
  // A wildcard may match nothing: reaching it also reaches the position after it.
  const close = (state: number) => {
    let closed = state;
    for (let step = 0; step < closeSteps; step++) closed |= (closed & wildcards) << 1;
    return closed;
  };
  const accept = 1 << tokens.length;
  return (candidate, from, to) => {
    let state = close(1);
    for (let i = from; i < to && state !== 0; i++) {
      const code = candidate.charCodeAt(i);
      const ascii = code < 128;
      const literals = ascii ? asciiLiterals[code]! : (literalAt.get(code) ?? 0);
      const stays = ascii ? asciiStays[code]! : stops.has(code) ? anyMask : wildcards;
      state = close((state & stays) | ((state & literals) << 1));
    }
    return (state & accept) !== 0;
  };
}

/** The same automaton for longer patterns: the set of live positions, kept as a list. */
function stepwiseMatcher(tokens: readonly number[], stops: ReadonlySet<number>): RangeMatcher {
  const end = tokens.length;
  return (candidate, from, to) => {
    const stamp = new Int32Array(end + 1).fill(-1);
    const add = (list: number[], position: number, step: number) => {
      for (let p = position; p <= end && stamp[p] !== step; p++) {
        stamp[p] = step;
        list.push(p);
        if (p === end || tokens[p]! >= 0) break;
      }
    };
    let live: number[] = [];
    add(live, 0, from);
    for (let i = from; i < to && live.length > 0; i++) {
      const code = candidate.charCodeAt(i);
      const next: number[] = [];
      for (const p of live) {
        const token = tokens[p];
        if (p === end) continue;
        if (token === code) add(next, p + 1, i + 1);
        else if (token === ANY || (token === STAR && !stops.has(code))) add(next, p, i + 1);
      }
      live = next;
    }
    return live.includes(end);
  };
}
