import { DisplayString, Token } from 'structured-headers';
import {
  Decimal,
  type SfBareItem,
  type SfInnerList,
  type SfItem,
  type SfMember,
  type SfParameters,
  StructuredFieldError,
  type StructuredFieldRefusal,
} from './structured-field.js';

const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const PERCENT = 0x25;
const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const QUESTION = 0x3f;
const AT = 0x40;
const BACKSLASH = 0x5c;
const STAR = 0x2a;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isAlpha = (c: number) => isLower(c) || (c >= 0x41 && c <= 0x5a);
const isKeyChar = (c: number) =>
  isLower(c) || isDigit(c) || c === 0x5f || c === MINUS || c === DOT || c === STAR;
/** RFC 9110 tchar, plus ":" and "/" (RFC 8941 §3.3.4). */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of ":/!#$%&'*+-.^_`|~") TOKEN_CHARS[c.charCodeAt(0)] = 1;
for (let c = 0; c < 128; c++) if (isAlpha(c) || isDigit(c)) TOKEN_CHARS[c] = 1;
const BASE64 = /^[A-Za-z0-9+/=]*$/;
const HEX_PAIR = /^[0-9a-f]{2}$/;

/**
 * RFC 8941 / RFC 9651 §4.2 parsing in one pass over the character codes, for the top-level
 * parsers beside it. It accepts exactly what the `structured-headers` library (2.1) accepts and
 * returns the same values (Token, DisplayString, Date, ArrayBuffer included) except that a
 * Decimal is a `Decimal` — a property test holds it to that — without the library's regular
 * expression per character and string building per character, which cost more than the rest of
 * a signature check's parsing. With `strict`, a dictionary key or a parameter key given twice is
 * refused (see ReadOptions).
 */
export class Reader {
  pos = 0;
  readonly #text: string;
  readonly #strict: boolean;

  constructor(text: string, strict = false) {
    this.#text = text;
    this.#strict = strict;
  }

  fail(what: string): never {
    throw new StructuredFieldError(`not a structured field: ${what} at ${this.pos}`);
  }

  refuse(refusal: Exclude<StructuredFieldRefusal, 'syntax'>): never {
    throw new StructuredFieldError(`${refusal} at ${this.pos}`, refusal);
  }

  /** RFC 8941 §4.2.2; more than `maxMembers` is refused as soon as the next member starts. */
  dictionary(maxMembers: number): Map<string, SfMember> {
    const dictionary = new Map<string, SfMember>();
    this.skipSpaces();
    while (!this.atEnd()) {
      if (dictionary.size >= maxMembers) this.refuse('too-many-members');
      const key = this.key();
      if (this.#strict && dictionary.has(key)) this.refuse('repeated-key');
      let member: SfMember;
      if (this.peek() === EQUALS) {
        this.pos++;
        member = this.member();
      } else {
        member = [true, this.parameters()];
      }
      dictionary.set(key, member);
      if (this.endOrComma()) return dictionary;
    }
    return dictionary;
  }

  /** RFC 8941 §4.2.1. */
  list(): SfMember[] {
    const list: SfMember[] = [];
    this.skipSpaces();
    while (!this.atEnd()) {
      list.push(this.member());
      if (this.endOrComma()) return list;
    }
    return list;
  }

  /** RFC 8941 §4.2: a field that is one item, with nothing but spaces around it. */
  wholeItem(): SfItem {
    this.skipSpaces();
    const item = this.item();
    this.skipSpaces();
    if (!this.atEnd()) this.fail('more input after an item');
    return item;
  }

  /** After a member: OWS, then the end (true), or a comma, OWS and more (false). */
  endOrComma(): boolean {
    this.skipOws();
    if (this.atEnd()) return true;
    if (this.peek() !== COMMA) this.fail('expected a comma');
    this.pos++;
    this.skipOws();
    if (this.atEnd()) this.fail('a trailing comma');
    return false;
  }

  atEnd(): boolean {
    return this.pos >= this.#text.length;
  }

  /** The code at the cursor; NaN at the end. */
  peek(): number {
    return this.#text.charCodeAt(this.pos);
  }

  skipSpaces(): void {
    while (this.peek() === SPACE) this.pos++;
  }

  skipOws(): void {
    for (let c = this.peek(); c === SPACE || c === TAB; c = this.peek()) this.pos++;
  }

  key(): string {
    const start = this.pos;
    const first = this.peek();
    if (!isLower(first) && first !== STAR) this.fail('a key must start with a-z or *');
    do this.pos++;
    while (isKeyChar(this.peek()));
    return this.#text.slice(start, this.pos);
  }

  item(): SfItem {
    return [this.bareItem(), this.parameters()];
  }

  /** A list or dictionary member: an inner list or an item. */
  member(): SfMember {
    return this.peek() === OPEN ? this.innerList() : this.item();
  }

  innerList(): SfInnerList {
    this.pos++; // "("
    const items: SfItem[] = [];
    while (!this.atEnd()) {
      this.skipSpaces();
      if (this.peek() === CLOSE) {
        this.pos++;
        return [items, this.parameters()];
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== SPACE && next !== CLOSE) this.fail('expected a space or ) after an item');
    }
    return this.fail('an inner list without its )');
  }

  parameters(): SfParameters {
    const parameters: SfParameters = new Map();
    while (this.peek() === SEMICOLON) {
      this.pos++;
      this.skipSpaces();
      const key = this.key();
      if (this.#strict && parameters.has(key)) this.refuse('repeated-parameter');
      let value: SfBareItem = true;
      if (this.peek() === EQUALS) {
        this.pos++;
        value = this.bareItem();
      }
      parameters.set(key, value);
    }
    return parameters;
  }

  bareItem(): SfBareItem {
    const c = this.peek();
    if (c === MINUS || isDigit(c)) return this.number();
    if (c === QUOTE) return this.string();
    if (isAlpha(c) || c === STAR) return this.token();
    if (c === COLON) return this.byteSequence();
    if (c === QUESTION) return this.boolean();
    if (c === AT) return this.date();
    if (c === PERCENT) return this.displayString();
    return this.fail(this.atEnd() ? 'unexpected end' : 'unexpected input');
  }

  /** RFC 8941 §4.2.4: at most 15 integer digits; a decimal at most 12 + "." + 3. */
  number(): number | Decimal {
    let sign = 1;
    if (this.peek() === MINUS) {
      sign = -1;
      this.pos++;
    }
    if (!isDigit(this.peek())) this.fail('expected a digit');
    const start = this.pos;
    let decimal = false;
    for (let c = this.peek(); !Number.isNaN(c); c = this.peek()) {
      if (c === DOT && !decimal) {
        if (this.pos - start > 12) this.fail('a decimal too long');
        decimal = true;
      } else if (!isDigit(c)) break;
      this.pos++;
      if (this.pos - start > (decimal ? 16 : 15)) this.fail('a number too long');
    }
    const digits = this.#text.slice(start, this.pos);
    if (!decimal) return Number.parseInt(digits, 10) * sign;
    const fraction = digits.length - digits.indexOf('.') - 1;
    if (fraction === 0 || fraction > 3)
      this.fail('a decimal with 0 or more than 3 fraction digits');
    return new Decimal(Number.parseFloat(digits) * sign);
  }

  string(): string {
    this.pos++; // opening quote
    let out = '';
    let from = this.pos;
    while (!this.atEnd()) {
      const c = this.peek();
      if (c === BACKSLASH) {
        const escaped = this.#text.charCodeAt(this.pos + 1);
        if (escaped !== BACKSLASH && escaped !== QUOTE) this.fail('a bad escape in a string');
        out += this.#text.slice(from, this.pos);
        this.pos += 2;
        from = this.pos - 1;
      } else if (c === QUOTE) {
        out += this.#text.slice(from, this.pos);
        this.pos++;
        return out;
      } else if (c < SPACE || c > 0x7e) {
        this.fail('a string outside printable ASCII');
      } else {
        this.pos++;
      }
    }
    return this.fail('a string without its closing quote');
  }

  token(): Token {
    const start = this.pos;
    do this.pos++;
    while (TOKEN_CHARS[this.peek()] === 1);
    return new Token(this.#text.slice(start, this.pos));
  }

  byteSequence(): ArrayBuffer {
    this.pos++; // ":"
    const end = this.#text.indexOf(':', this.pos);
    if (end === -1) this.fail('a byte sequence without its closing colon');
    const content = this.#text.slice(this.pos, end);
    this.pos = end + 1;
    const bytes = decodeBase64(content);
    if (bytes === undefined) this.fail('a byte sequence that is not base64');
    return bytes;
  }

  boolean(): boolean {
    const c = this.#text.charCodeAt(this.pos + 1);
    this.pos += 2;
    if (c === 0x31) return true;
    if (c === 0x30) return false;
    return this.fail('expected ?0 or ?1');
  }

  /** RFC 9651 §3.3.7. As in the library, a date must run to the end of the field. */
  date(): Date {
    this.pos++; // "@"
    let sign = 1;
    if (this.peek() === MINUS) {
      sign = -1;
      this.pos++;
    }
    const start = this.pos;
    if (!isDigit(this.peek())) this.fail('expected a digit');
    while (!this.atEnd()) {
      if (!isDigit(this.peek())) this.fail('a date followed by more input');
      this.pos++;
    }
    if (this.pos - start > 15) this.fail('a date too long');
    return new Date(Number.parseInt(this.#text.slice(start), 10) * sign * 1000);
  }

  /** RFC 9651 §4.2.10: `%"`, then printable ASCII with `%xx` (lower-case hex) for the rest. */
  displayString(): DisplayString {
    if (this.#text.charCodeAt(this.pos + 1) !== QUOTE) this.fail('expected %"');
    this.pos += 2;
    const bytes: number[] = [];
    while (!this.atEnd()) {
      const c = this.peek();
      this.pos++;
      if (c <= 0x1f || (c >= 0x7f && c <= 0xff)) this.fail('a raw byte in a display string');
      if (c === PERCENT) {
        const hex = this.#text.slice(this.pos, this.pos + 2);
        this.pos += 2;
        if (!HEX_PAIR.test(hex)) this.fail('a bad %xx in a display string');
        bytes.push(Number.parseInt(hex, 16));
      } else if (c === QUOTE) {
        try {
          return new DisplayString(UTF8.decode(new Uint8Array(bytes)));
        } catch {
          return this.fail('a display string that is not UTF-8');
        }
      } else {
        bytes.push(c);
      }
    }
    return this.fail('a display string without its closing quote');
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Base64 as WHATWG `atob` accepts it (what the library decodes with): padding optional but
 * never more than two `=` and only at the end, and no length of 1 mod 4.
 */
function decodeBase64(content: string): ArrayBuffer | undefined {
  if (!BASE64.test(content)) return undefined;
  let data = content;
  if (data.length % 4 === 0) {
    if (data.endsWith('==')) data = data.slice(0, -2);
    else if (data.endsWith('=')) data = data.slice(0, -1);
  }
  if (data.length % 4 === 1 || data.includes('=')) return undefined;
  const decoded = Buffer.from(data, 'base64');
  return decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.length);
}
