export interface AdmissionLimits {
  /** Requests read or checked at once (`limits.maxInFlight`). */
  readonly maxInFlight: number;
  /** Body bytes reserved at once, in all (`http.maxBufferedBodyBytes`). */
  readonly maxBufferedBodyBytes: number;
}

/** Admits one request whose body may take `bodyBytes`: its release, or undefined when refused. */
export type AdmitRequest = (bodyBytes: number) => (() => void) | undefined;

/**
 * Admission of the HTTP transport's requests before their bodies are read: each takes one of
 * `maxInFlight` slots and reserves the bytes its body may take out of `maxBufferedBodyBytes`,
 * both given back by its release (once, however often it is called). So the bodies held at any
 * moment — slow ones too, until `http.requestTimeout` ends them — never pass the budget, and a
 * request that does not fit is answered at once, its body never read.
 */
export function createAdmission(limits: AdmissionLimits): AdmitRequest {
  let inFlight = 0;
  let reservedBytes = 0;
  return (bodyBytes) => {
    if (inFlight >= limits.maxInFlight) return undefined;
    if (reservedBytes + bodyBytes > limits.maxBufferedBodyBytes) return undefined;
    inFlight += 1;
    reservedBytes += bodyBytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      reservedBytes -= bodyBytes;
    };
  };
}
