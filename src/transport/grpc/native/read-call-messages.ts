import { GrpcStatus } from './grpc-status.js';
import type { NativeCall } from './native-call.js';
import { detach, GrpcMessageReader, PREFIX_BYTES } from './read-grpc-messages.js';

/** How a call reads its request messages. */
export interface RequestBounds {
  readonly maxMessageBytes: number;
  /**
   * `call`: a message's bytes stay counted until the call ends (Check keeps its request until
   * answered); `message`: they are given back once the message was handed on.
   */
  readonly hold: 'call' | 'message';
}

/**
 * Reads a call's request messages into its `data` events and `end`, or fails the call: at a
 * framing error (oversize, compressed, cut short), or RESOURCE_EXHAUSTED when the calls of the
 * server already hold their budget of request bytes. Each chunk is counted as it arrives, before
 * the reader keeps it.
 */
export function readCallMessages(call: NativeCall, { maxMessageBytes, hold }: RequestBounds): void {
  const reader = new GrpcMessageReader(maxMessageBytes);
  call.listen('data', (chunk: Buffer) => {
    if (!call.open) return;
    if (!call.hold(chunk.length)) {
      call.fail(GrpcStatus.RESOURCE_EXHAUSTED, 'too many request bytes held; retry later');
      return;
    }
    let messages: Buffer[];
    try {
      messages = reader.push(chunk);
    } catch (error) {
      call.failWith(error);
      return;
    }
    for (const message of messages) {
      if (!call.open) return;
      // A message kept until the answer must not keep the whole socket read it came in.
      call.emit('data', hold === 'call' ? detach(message) : message);
      if (hold === 'message') call.release(PREFIX_BYTES + message.length);
    }
  });
  call.listen('end', () => {
    if (!call.open) return;
    call.requestReceived();
    if (reader.partial) call.fail(GrpcStatus.INTERNAL, 'stream ended inside a message');
    else call.emit('end');
  });
}
