/**
 * Whether `text` may be sent as a header value as it is — RFC 9110 §5.5: `field-value =
 * *field-content`, where field-content starts and ends with a visible character (VCHAR or
 * obs-text) and may hold SP and HTAB between. So no CR, LF, NUL or other control character
 * anywhere, and no whitespace at either end. Characters beyond ASCII reach the wire as UTF-8,
 * whose bytes are all obs-text. A value taken from a credential must pass before it can reach
 * an upstream header: a proxy that would reject or split it is never relied on.
 */
export function isFieldValue(text: string): boolean {
  if (text === '') return true;
  if (isWhitespace(text.charCodeAt(0)) || isWhitespace(text.charCodeAt(text.length - 1))) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

/** SP or HTAB, the only whitespace a field value may hold, and only inside. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
