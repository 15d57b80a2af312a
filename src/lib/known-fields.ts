import { z } from 'zod';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

/**
 * The field names a mapping at `path` of a file validated by `schema` may hold (for a "did you
 * mean" on an unknown one): the properties of every object the path can reach, through
 * optional values, unions, lists (numeric path parts) and maps.
 */
export function knownFields(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes = alternatives(z.toJSONSchema(schema, { io: 'input' }) as JsonSchema);
  for (const key of path) {
    nodes = nodes.flatMap((node) => alternatives(child(node, key)));
  }
  return [...new Set(nodes.flatMap((node) => Object.keys(node.properties ?? {})))];
}

function child(node: JsonSchema, key: PropertyKey): JsonSchema | undefined {
  if (typeof key === 'number') return node.items;
  const named = node.properties?.[String(key)];
  if (named !== undefined) return named;
  return typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
}

function alternatives(node: JsonSchema | undefined): JsonSchema[] {
  if (node === undefined) return [];
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])];
  return [node, ...nested.flatMap(alternatives)];
}
