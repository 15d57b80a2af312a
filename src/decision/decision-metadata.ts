import type { Decision } from './decision.js';

/** The namespace key our fields live under in Envoy's ext_authz dynamic metadata. */
export const METADATA_NAMESPACE = 'agent_authz';

export type MetadataValue = string | boolean;

/** SPEC §4: facts for access logs and analytics; only identifiers, never credentials. */
export function decisionMetadata(decision: Decision): Record<string, MetadataValue> {
  const { identity } = decision;
  const fields: Record<string, MetadataValue> = {
    decision: decision.allowed ? (decision.wouldDeny ? 'would-deny' : 'allow') : 'deny',
    verified: identity.verified,
    profile: identity.profile,
  };
  const reason = decision.allowed ? decision.wouldDeny : decision.reason;
  if (reason !== undefined) fields.reason = reason;
  if (identity.agentId !== undefined) fields.agent_id = identity.agentId;
  if (identity.zone !== undefined) fields.zone = identity.zone;
  if (identity.tag !== undefined) fields.tag = identity.tag;
  if (identity.generation !== undefined) fields.generation = identity.generation;
  if (identity.directorySigned) fields.directory_signed = true;
  if (identity.trust !== undefined) fields.trust = identity.trust;
  if (identity.drifted) fields.workload_drift = true;
  if (identity.unchecked !== undefined) fields.unchecked = identity.unchecked.join(',');
  return fields;
}
