export interface GlobOptions {
  readonly ignoreCase?: boolean;
  /**
   * Characters a single `*` does not cross (`**` crosses everything). Agent ids and workloads use
   * `:/`, so `did:web:*.example.com` cannot match `did:web:evil.net:billing.example.com`.
   */
  readonly stopAt?: string;
}

/** Characters that separate the parts of DIDs, origins and SPIFFE ids. */
export const ID_SEPARATORS = ':/';

/**
 * A pattern where `**` stands for any run of characters and `*` for any run without the
 * `stopAt` characters (any run at all when there are none); everything else is literal.
 * Compiled once when the policy loads.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): RegExp {
  const star = options.stopAt ? `[^${escapeClass(options.stopAt)}]*` : '.*';
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map(escapeLiteral).join(star))
    .join('.*');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '');
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

function escapeLiteral(literal: string): string {
  return literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function escapeClass(characters: string): string {
  return characters.replace(/[\]\\^-]/g, '\\$&');
}
