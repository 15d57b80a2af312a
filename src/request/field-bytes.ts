import { isUtf8 } from 'node:buffer';

/**
 * Header field values are bytes (RFC 9110 §5.5), and RFC 9421 signs those bytes. Values are
 * kept as strings here, and must map back to exactly the bytes Envoy saw:
 * - valid UTF-8 is decoded as such (the common case; lossless);
 * - any other value keeps each byte: ASCII as itself, every byte 0x80–0xFF as the lone
 *   surrogate U+DC80–U+DCFF (never produced by decoding valid UTF-8). Such a value cannot be
 *   confused with the U+FFFD a lossy decoder would produce, and `isExactText` says it is not
 *   text; `fieldBytes` gives the original bytes back (for RFC 9421 `bs`).
 */
export function decodeFieldBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  // Only a value with U+FFFD in it can have been decoded lossily: check those alone.
  if (!text.includes('\ufffd') || isUtf8(bytes)) return text;
  let value = '';
  for (const byte of bytes) value += String.fromCharCode(byte < 0x80 ? byte : 0xdc00 + byte);
  return value;
}

/** A lone surrogate: only `decodeFieldBytes` of a value that was not UTF-8 yields one. */
const LONE_SURROGATE = /\p{Cs}/u;

/** True when `value` came from valid UTF-8 (so `Buffer.from(value)` gives its bytes back). */
export function isExactText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** The bytes `decodeFieldBytes` read `value` from. */
export function fieldBytes(value: string): Buffer {
  if (isExactText(value)) return Buffer.from(value, 'utf8');
  return Buffer.from(
    Array.from(value, (char) => {
      const code = char.codePointAt(0)!;
      return code >= 0xdc80 && code <= 0xdcff ? code - 0xdc00 : code;
    }),
  );
}

/**
 * RFC 9110 §5.5: a field value has no leading or trailing whitespace, and OWS is only SP and
 * HTAB — not the Unicode spaces, BOM, VT, FF or line separators `String.prototype.trim` drops.
 */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
