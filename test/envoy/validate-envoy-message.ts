import protobuf from 'protobufjs';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

type Check = (value: unknown, path: string, problems: string[]) => void;

/** Well-known types in their proto3 JSON form, as Envoy's YAML loader reads them. */
const WELL_KNOWN: Record<string, Check> = {
  '.google.protobuf.Duration': expectThat(
    (v) => typeof v === 'string' && /^-?\d+(\.\d{1,9})?s$/.test(v),
    'a duration like "0.25s"',
  ),
  '.google.protobuf.Timestamp': expectThat((v) => typeof v === 'string', 'an RFC 3339 time'),
  '.google.protobuf.Struct': expectThat(isObject, 'an object'),
  '.google.protobuf.Value': () => {},
  '.google.protobuf.ListValue': expectThat(Array.isArray, 'a list'),
  '.google.protobuf.Empty': expectThat((v) => isObject(v) && Object.keys(v).length === 0, '{}'),
  '.google.protobuf.BoolValue': expectThat((v) => typeof v === 'boolean', 'a boolean'),
  '.google.protobuf.StringValue': expectThat((v) => typeof v === 'string', 'a string'),
  '.google.protobuf.UInt32Value': expectThat(isUnsigned, 'a non-negative integer'),
  '.google.protobuf.UInt64Value': expectThat(isUnsigned, 'a non-negative integer'),
  '.google.protobuf.Int32Value': expectThat(isInteger, 'an integer'),
  '.google.protobuf.Int64Value': expectThat(isInteger, 'an integer'),
  '.google.protobuf.DoubleValue': expectThat((v) => typeof v === 'number', 'a number'),
};

/**
 * Validates a config object against an Envoy message type the way Envoy's loader does: every
 * key must be a field (proto name or JSON name) — unknown fields are rejected —, enums must be
 * defined values, at most one member of a oneof, deprecated fields refused, the protoc-gen-validate
 * `required` and `min_len` rules honoured, and each `google.protobuf.Any` (`typed_config`) resolved
 * by its type URL and validated as that message. Returns the problems found, each with its path.
 */
export function validateEnvoyMessage(
  root: protobuf.Root,
  typeName: string,
  value: unknown,
): string[] {
  const problems: string[] = [];
  checkMessage(root, root.lookupType(typeName), value, typeName, problems);
  return problems;
}

function checkMessage(
  root: protobuf.Root,
  type: protobuf.Type,
  value: unknown,
  path: string,
  problems: string[],
): void {
  const wellKnown = WELL_KNOWN[type.fullName];
  if (wellKnown !== undefined) {
    wellKnown(value, path, problems);
    return;
  }
  if (type.fullName === '.google.protobuf.Any') {
    checkAny(root, value, path, problems);
    return;
  }
  if (!isObject(value)) {
    problems.push(`${path}: expected an object`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const field =
      type.fields[key] ??
      Object.values(type.fields).find((f) => f.options?.json_name === key || camel(f.name) === key);
    if (field === undefined) {
      problems.push(`${path}.${key}: unknown field of ${type.fullName.slice(1)}`);
      continue;
    }
    if (field.options?.deprecated === true) problems.push(`${path}.${key}: deprecated field`);
    checkField(root, field, item, `${path}.${key}`, problems);
  }
  checkOneofs(type, value, path, problems);
  checkRequired(type, value, path, problems);
}

function checkField(
  root: protobuf.Root,
  field: protobuf.Field,
  value: unknown,
  path: string,
  problems: string[],
): void {
  if (field instanceof protobuf.MapField) {
    if (!isObject(value)) {
      problems.push(`${path}: expected a map`);
      return;
    }
    for (const [key, item] of Object.entries(value))
      checkSingle(root, field, item, `${path}.${key}`, problems);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected a list`);
      return;
    }
    value.forEach((item, index) => {
      checkSingle(root, field, item, `${path}[${index}]`, problems);
    });
    return;
  }
  checkSingle(root, field, value, path, problems);
}

function checkSingle(
  root: protobuf.Root,
  field: protobuf.Field,
  value: unknown,
  path: string,
  problems: string[],
): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    checkMessage(root, resolved, value, path, problems);
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    const known =
      typeof value === 'string'
        ? value in resolved.values
        : Object.values(resolved.values).includes(value as number);
    if (!known)
      problems.push(
        `${path}: ${JSON.stringify(value)} is not a value of ${resolved.fullName.slice(1)}`,
      );
    return;
  }
  const scalar = SCALARS[field.type];
  if (scalar !== undefined) scalar(value, path, problems);
  const minLength = field.options?.['(validate.rules).string.min_len'];
  if (typeof minLength === 'number' && typeof value === 'string' && value.length < minLength) {
    problems.push(`${path}: shorter than ${minLength}`);
  }
}

function checkAny(root: protobuf.Root, value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(`${path}: expected an object with "@type"`);
    return;
  }
  const url = value['@type'];
  if (typeof url !== 'string' || !url.startsWith(TYPE_URL_PREFIX)) {
    problems.push(`${path}: "@type" must be ${TYPE_URL_PREFIX}<message>`);
    return;
  }
  const type = root.lookup(url.slice(TYPE_URL_PREFIX.length));
  if (!(type instanceof protobuf.Type)) {
    problems.push(`${path}: unknown type ${url}`);
    return;
  }
  const { '@type': _, ...rest } = value;
  checkMessage(root, type, rest, path, problems);
}

function checkOneofs(
  type: protobuf.Type,
  value: Record<string, unknown>,
  path: string,
  problems: string[],
): void {
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((f) => isSet(value, f));
    if (set.length > 1)
      problems.push(`${path}: ${set.map((f) => f.name).join(' and ')} are one of ${oneof.name}`);
    if (set.length === 0 && oneof.options?.['(validate.required)'] === true) {
      problems.push(
        `${path}: one of ${oneof.fieldsArray.map((f) => f.name).join(', ')} is required`,
      );
    }
  }
}

function checkRequired(
  type: protobuf.Type,
  value: Record<string, unknown>,
  path: string,
  problems: string[],
): void {
  for (const field of type.fieldsArray) {
    // protoc-gen-validate: rules on a oneof member apply only when that member is set.
    if (field.partOf !== null) continue;
    const options = field.options ?? {};
    const minLength = options['(validate.rules).string.min_len'];
    const required =
      options['(validate.rules).message.required'] === true ||
      options['(validate.rules).duration.required'] === true ||
      (typeof minLength === 'number' &&
        minLength > 0 &&
        options['(validate.rules).string.ignore_empty'] !== true);
    if (required && !isSet(value, field)) problems.push(`${path}.${field.name}: required`);
  }
}

function isSet(value: Record<string, unknown>, field: protobuf.Field): boolean {
  return value[field.name] !== undefined || value[camel(field.name)] !== undefined;
}

const SCALARS: Record<string, Check> = {
  bool: expectThat((v) => typeof v === 'boolean', 'a boolean'),
  string: expectThat((v) => typeof v === 'string', 'a string'),
  bytes: expectThat((v) => typeof v === 'string', 'base64 text'),
  double: expectThat((v) => typeof v === 'number', 'a number'),
  float: expectThat((v) => typeof v === 'number', 'a number'),
  int32: expectThat(isInteger, 'an integer'),
  int64: expectThat(isInteger, 'an integer'),
  sint32: expectThat(isInteger, 'an integer'),
  sint64: expectThat(isInteger, 'an integer'),
  uint32: expectThat(isUnsigned, 'a non-negative integer'),
  uint64: expectThat(isUnsigned, 'a non-negative integer'),
  fixed32: expectThat(isUnsigned, 'a non-negative integer'),
  fixed64: expectThat(isUnsigned, 'a non-negative integer'),
};

function expectThat(test: (value: unknown) => boolean, what: string): Check {
  return (value, path, problems) => {
    if (!test(value)) problems.push(`${path}: expected ${what}, got ${JSON.stringify(value)}`);
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): boolean {
  return Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value));
}

function isUnsigned(value: unknown): boolean {
  return isInteger(value) && Number(value) >= 0;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}
