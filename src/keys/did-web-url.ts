/** A host name (lower-cased by URL later) with an optional `%3A`-encoded port. */
const HOST =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(%3[Aa]\d{1,5})?$/;
/** A path segment of DID syntax: idchars and percent-escapes, never `.` or `..`. */
const SEGMENT = /^([A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/;

/**
 * did:web method specification, "Read (Resolve)": the method-specific id is a domain name, an
 * optional port encoded as `%3A`, and optional `:`-separated path segments.
 * `example.com` → `https://example.com/.well-known/did.json`,
 * `example.com%3A8443:user:alice` → `https://example.com:8443/user/alice/did.json`.
 * Null when the id is not of that form.
 */
export function didWebUrl(methodSpecificId: string): URL | null {
  const [host = '', ...segments] = methodSpecificId.split(':');
  if (!HOST.test(host)) return null;
  if (segments.some((segment) => !SEGMENT.test(segment) || /^\.{1,2}$/.test(segment))) {
    return null;
  }
  const path = segments.length === 0 ? '.well-known' : segments.join('/');
  try {
    const url = new URL(`https://${host.replace(/%3a/i, ':')}/${path}/did.json`);
    return url.port === '0' ? null : url;
  } catch {
    return null;
  }
}
