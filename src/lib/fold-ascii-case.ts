/**
 * `text` with A–Z lowercased and every other character kept: the case-insensitive comparison
 * of host names (RFC 3986 §6.2.2.1, RFC 4343), as Envoy matches virtual hosts. Unicode case
 * folding is not used because it maps non-ASCII characters onto ASCII ones (U+212A KELVIN
 * SIGN → `k`), so two hosts Envoy routes apart would compare equal.
 */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}
