import type { BareItem, Parameters } from 'structured-headers';

/** One covered component of an RFC 9421 signature, e.g. `"signature-agent";key="sig1"`. */
export interface ComponentId {
  /** Lower-case field name or derived component name (`@method`). */
  readonly name: string;
  readonly params: Parameters;
  /** The identifier exactly as it is serialised on a signature-base line. */
  readonly serialized: string;
}

/**
 * RFC 9421 §2.1 component parameters verified here: `sf`, `key`, `bs`. `req`, `tr` and `name`
 * (responses, trailers, query parameters) have no meaning for a request check and are refused,
 * which also bounds a component to three parameters.
 */
export function isComponentParam(key: string): boolean {
  return key === 'sf' || key === 'key' || key === 'bs';
}

/** The signature parameters RFC 9421 §2.3 defines, typed; unknown parameters are kept too. */
export interface SignatureParams {
  readonly created: number | undefined;
  readonly expires: number | undefined;
  readonly nonce: string | undefined;
  readonly keyid: string | undefined;
  readonly alg: string | undefined;
  readonly tag: string | undefined;
}

/** One labelled signature from `Signature-Input` paired with its bytes from `Signature`. */
export interface SignatureCandidate {
  readonly label: string;
  readonly components: readonly ComponentId[];
  readonly params: SignatureParams;
  /** The `@signature-params` value: the serialised inner list with its parameters. */
  readonly serializedParams: string;
  readonly signature: Uint8Array;
}

export type { BareItem };
