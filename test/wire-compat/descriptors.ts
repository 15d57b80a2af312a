import { existsSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import type { AnyDefinition, MessageTypeDefinition, PackageDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { EXTERNAL_AUTH_PROTO } from '../../src/transport/grpc/load-protos.js';

/**
 * The protobufjs Root proto-loader builds from `external_auth.proto`: imports resolved against
 * `includeDirs` in order, google.protobuf from protobufjs's bundled descriptors, `keepCase`.
 */
export function loadRoot(includeDirs: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    const found = includeDirs.map((dir) => join(dir, target)).find((path) => existsSync(path));
    return found ?? protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(EXTERNAL_AUTH_PROTO, { keepCase: true });
  root.resolveAll();
  return root;
}

export interface Declared {
  /** Fully-qualified names, without the leading dot. */
  readonly messages: string[];
  readonly enums: string[];
  readonly services: string[];
}

/** The messages, enums and services defined by the .proto files under `dir`. */
export function declaredIn(root: protobuf.Root, dir: string): Declared {
  const declared: Declared = { messages: [], enums: [], services: [] };
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const object of namespace.nestedArray) {
      const name = object.fullName.slice(1);
      const ours = object.filename?.startsWith(dir + sep) === true;
      if (ours && object instanceof protobuf.Type) declared.messages.push(name);
      if (ours && object instanceof protobuf.Enum) declared.enums.push(name);
      if (ours && object instanceof protobuf.Service) declared.services.push(name);
      if (object instanceof protobuf.Namespace) visit(object);
    }
  };
  visit(root);
  return declared;
}

/** What decides a field's encoding and its decoded shape. */
export interface FieldShape {
  readonly number: number;
  /** Fully-qualified message or enum name, or the scalar type; for a map, the value type. */
  readonly type: string;
  readonly label: 'singular' | 'repeated' | 'map';
  readonly keyType: string | null;
  readonly packed: boolean | null;
  readonly oneof: string | null;
}

function fieldShape(field: protobuf.Field): FieldShape {
  const map = field instanceof protobuf.MapField;
  return {
    number: field.id,
    type: field.resolvedType?.fullName ?? field.type,
    label: map ? 'map' : field.repeated ? 'repeated' : 'singular',
    keyType: map ? field.keyType : null,
    packed: field.repeated ? field.packed : null,
    oneof: field.partOf?.name ?? null,
  };
}

/** Each field of `type` by name, restricted to `names` (absent names map to undefined). */
export function fieldShapes(
  type: protobuf.Type,
  names: readonly string[] = Object.keys(type.fields),
): Record<string, FieldShape | undefined> {
  const shapes: Record<string, FieldShape | undefined> = {};
  for (const name of names) {
    const field = type.fields[name];
    shapes[name] = field === undefined ? undefined : fieldShape(field);
  }
  return shapes;
}

/** Every message type reachable from `type` through its fields, `type` included. */
export function reachableTypes(
  type: protobuf.Type,
  seen = new Set<protobuf.Type>(),
): protobuf.Type[] {
  if (seen.has(type)) return [];
  seen.add(type);
  for (const field of type.fieldsArray) {
    if (field.resolvedType instanceof protobuf.Type) reachableTypes(field.resolvedType, seen);
  }
  return [...seen];
}

export interface MessageCodec {
  encode(message: object): Buffer;
  decode(bytes: Buffer): unknown;
}

function isMessage(
  entry: AnyDefinition | undefined,
): entry is MessageTypeDefinition<object, object> {
  return (
    (entry as { format?: unknown } | undefined)?.format === 'Protocol Buffer 3 DescriptorProto'
  );
}

/** The serializer and deserializer proto-loader built for the message `name`. */
export function codec(definition: PackageDefinition, name: string): MessageCodec {
  const entry = definition[name];
  if (!isMessage(entry)) throw new Error(`${name} is not a message in this package definition`);
  return {
    encode: (message) => entry.serialize(message),
    decode: (bytes) => entry.deserialize(bytes),
  };
}
