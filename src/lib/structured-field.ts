import type { BareItem } from 'structured-headers';

/**
 * An RFC 8941 §3.3.2 Decimal. The `structured-headers` library reads `1.0` as the number 1 and
 * writes it back as the Integer `1`, so a signature over `created=1` would verify for
 * `created=1.0`; a Decimal kept as its own type is written back as a Decimal (`1.0`), and an
 * integer parameter refuses it.
 */
export class Decimal {
  readonly value: number;

  constructor(value: number) {
    this.value = value;
  }
}

/** The bare items the library represents, and the Decimal it does not tell apart. */
export type SfBareItem = BareItem | Decimal;
export type SfParameters = Map<string, SfBareItem>;
export type SfItem = [SfBareItem, SfParameters];
export type SfInnerList = [SfItem[], SfParameters];
/** A dictionary or list member. */
export type SfMember = SfItem | SfInnerList;

export function isInnerList(member: SfMember): member is SfInnerList {
  return Array.isArray(member[0]);
}

export type StructuredFieldRefusal =
  | 'syntax'
  | 'too-many-members'
  | 'repeated-key'
  | 'repeated-parameter';

/** Why a field was refused (the message names an offset, never a value). */
export class StructuredFieldError extends Error {
  readonly refusal: StructuredFieldRefusal;

  constructor(message: string, refusal: StructuredFieldRefusal = 'syntax') {
    super(message);
    this.refusal = refusal;
  }
}

export interface ReadOptions {
  /**
   * Refuse a dictionary key or a parameter key given twice. RFC 8941 §4.2.2 and §4.2.3.2 let
   * the later one overwrite the earlier, and a verifier that picks one of two members (or
   * parameters) signs a reading that another reader of the same field does not share.
   */
  readonly strict?: boolean;
}
