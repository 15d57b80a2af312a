/**
 * A pattern where `*` stands for any run of characters (including none); everything else is
 * literal. Compiled once when the policy loads.
 */
export function compileGlob(pattern: string, options: { ignoreCase?: boolean } = {}): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '');
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}
