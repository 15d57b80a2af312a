/**
 * A count of bytes shared by every call of one server, and its ceiling: request bytes are taken
 * as they arrive and given back when the call no longer holds them. Whatever is taken is held
 * in memory, so the ceiling bounds what all clients together can make the process keep.
 */
export class ByteBudget {
  private held = 0;

  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Takes `bytes` if they fit under the limit; false (nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }

  get used(): number {
    return this.held;
  }
}
