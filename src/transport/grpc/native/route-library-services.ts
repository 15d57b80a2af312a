import { EventEmitter } from 'node:events';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { GrpcStatus } from './grpc-status.js';
import type { NativeCall } from './native-call.js';
import { type RequestBounds, readCallMessages } from './read-call-messages.js';

// biome-ignore lint/suspicious/noExplicitAny: the libraries' handlers are typed for grpc-js calls
type LibraryHandler = (call: any, callback?: any) => void;

interface LibraryMethod {
  readonly definition: MethodDefinition<unknown, unknown>;
  readonly handler: LibraryHandler;
}

/**
 * Health (`grpc-health-check`) and reflection (`@grpc/reflection`) on the native server: the
 * libraries register their services here through the one grpc-js Server method they call,
 * `addService`, and their handlers then run on native calls through `RoutedCall`, a small
 * stand-in for the part of grpc-js's call surface they use (`request`, `write`, `end`,
 * `data`/`end`/`cancelled` events, the unary callback). Their messages go through the
 * (de)serializers of their own service definitions.
 */
export class LibraryRoutes {
  private readonly methods = new Map<string, LibraryMethod>();

  addService(service: ServiceDefinition, implementation: Record<string, LibraryHandler>): void {
    for (const [name, definition] of Object.entries(service)) {
      const handler = implementation[name] ?? implementation[definition.originalName ?? ''];
      if (handler !== undefined) this.methods.set(definition.path, { definition, handler });
    }
  }

  has(path: string): boolean {
    return this.methods.has(path);
  }

  /**
   * Serves a call whose path `has` accepted. The handlers are the libraries' code: a call's
   * NativeCall contains whatever they throw, here or later (the unary callback, `write`).
   */
  serve(call: NativeCall, path: string, bounds: Omit<RequestBounds, 'hold'>): void {
    const method = this.methods.get(path) as LibraryMethod;
    const { definition, handler } = method;
    const routed = new RoutedCall(call, definition, path);
    const callback = (error: { code?: number; details?: string } | null, value?: unknown) =>
      call.attempt(() => {
        if (error) call.fail(error.code ?? GrpcStatus.UNKNOWN, error.details ?? '');
        else call.answer(definition.responseSerialize(value));
      });
    if (definition.requestStream) {
      call.on('data', (bytes: Buffer) => routed.receive(bytes));
      call.on('end', () => routed.emit('end'));
      call.attempt(() => handler(routed, definition.responseStream ? undefined : callback));
      // Each message is decoded as it comes: its bytes are not held after that.
      readCallMessages(call, { ...bounds, hold: 'message' });
      return;
    }
    // Unary and server-streaming methods take exactly one request message.
    let request: Buffer | undefined;
    const refuse = () =>
      call.fail(GrpcStatus.UNIMPLEMENTED, 'expected exactly one request message');
    call.on('data', (bytes: Buffer) => {
      if (request === undefined) request = bytes;
      else refuse();
    });
    call.on('end', () => {
      if (request === undefined) refuse();
      else if (routed.decodeRequest(request)) {
        handler(routed, definition.responseStream ? undefined : callback);
      }
    });
    readCallMessages(call, { ...bounds, hold: 'call' });
  }
}

/** The grpc-js call surface the health and reflection handlers use, over a NativeCall. */
class RoutedCall extends EventEmitter {
  request: unknown;
  cancelled = false;
  readonly metadata = undefined;

  private readonly call: NativeCall;
  private readonly definition: MethodDefinition<unknown, unknown>;
  private readonly path: string;

  constructor(call: NativeCall, definition: MethodDefinition<unknown, unknown>, path: string) {
    super();
    this.call = call;
    this.definition = definition;
    this.path = path;
    call.on('cancelled', () => {
      this.cancelled = true;
      this.emit('cancelled');
    });
  }

  /** Sets `request`; false (the call failed INTERNAL) when the bytes do not decode. */
  decodeRequest(bytes: Buffer): boolean {
    try {
      this.request = this.definition.requestDeserialize(bytes);
      return true;
    } catch {
      this.call.fail(GrpcStatus.INTERNAL, 'request message does not decode');
      return false;
    }
  }

  receive(bytes: Buffer): void {
    let message: unknown;
    try {
      message = this.definition.requestDeserialize(bytes);
    } catch {
      this.call.fail(GrpcStatus.INTERNAL, 'request message does not decode');
      return;
    }
    this.emit('data', message);
  }

  write(message: unknown): boolean {
    this.call.attempt(() => this.call.write(this.definition.responseSerialize(message)));
    return true;
  }

  end(): void {
    this.call.end();
  }

  getPath(): string {
    return this.path;
  }

  getPeer(): string {
    const socket = this.call.stream.session?.socket;
    return socket ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
  }

  sendMetadata(): void {}

  getDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }
}
