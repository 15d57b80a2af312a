import { createHash } from 'node:crypto';
import type { Profile } from '../credentials/credential.js';
import { canonicalAgentId } from '../keys/canonical-agent-id.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { compileGlob, type Glob, ID_SEPARATORS, isGlob } from './glob.js';
import type { AgentRule, Policy, Zone } from './policy.js';
import type { AgentDocument, PolicyDocument, ZoneDocument } from './policy-schema.js';
import { revocationIds } from './revocation-ids.js';

/** Turns a validated policy document into the structure the check reads, once per load. */
export function compilePolicy(
  document: PolicyDocument,
  source: { file: string | null; text: string; loadedAtMs: number },
): Policy {
  const zones = document.zones.map((zone) => compileZone(zone, document));
  const exactAgents = new Map<string, AgentRule>();
  const patternAgents: Array<{ pattern: Glob; rule: AgentRule }> = [];
  for (const agent of document.agents) {
    const rule = compileAgent(agent);
    if (rule.exact) exactAgents.set(canonicalAgentId(agent.id), rule);
    else patternAgents.push({ pattern: compileGlob(agent.id, { stopAt: ID_SEPARATORS }), rule });
  }
  return deepFreeze({
    mode: document.mode,
    unsigned: document.unsigned,
    signedHeaders: document.signedHeaders,
    trust: {
      knownAfterRequests: document.trust.knownAfter.requests,
      knownAfterAgeMs: document.trust.knownAfter.age,
    },
    zones,
    zonesByName: new Map(zones.map((zone) => [zone.name, zone])),
    exactAgents,
    patternAgents,
    revoked: new Set(document.revoked.flatMap(revocationIds)),
    source: {
      file: source.file,
      sha256: createHash('sha256').update(source.text).digest('hex'),
      loadedAtMs: source.loadedAtMs,
    },
  });
}

function compileZone(zone: ZoneDocument, document: PolicyDocument): Zone {
  const hosts = zone.match.hosts?.map((host) => compileGlob(host, { ignoreCase: true }));
  const paths = zone.match.paths?.map(pathMatcher);
  const methods = zone.match.methods && methodSet(zone.match.methods);
  return {
    name: zone.name,
    mode: zone.mode ?? document.mode,
    unsigned: zone.unsigned ?? document.unsigned,
    profiles: new Set<Profile>(zone.profiles),
    minTrust: zone.minTrust,
    signedHeaders: [...new Set([...document.signedHeaders, ...zone.signedHeaders])],
    tags: zone.tags && new Set(zone.tags),
    scopes: zone.scopes,
    unknownAgents: zone.unknownAgents,
    matchText: describeMatch(zone.match),
    matches: ({ host, path, method }) =>
      (hosts === undefined || hosts.some((h) => h.test(host))) &&
      (paths === undefined || paths.some((p) => p(path))) &&
      (methods === undefined || methods.has(method)),
  };
}

/** Upper-cased; a zone that lists GET also covers HEAD, which upstreams serve with GET handlers. */
function methodSet(methods: readonly string[]): ReadonlySet<string> {
  const set = new Set(methods.map((method) => method.toUpperCase()));
  if (set.has('GET')) set.add('HEAD');
  return set;
}

/** A path with `*` is a glob; otherwise a prefix, as in an Envoy route's `prefix`. */
function pathMatcher(path: string): (candidate: string) => boolean {
  if (isGlob(path)) {
    const glob = compileGlob(path);
    return (candidate) => glob.test(candidate);
  }
  return (candidate) => candidate.startsWith(path);
}

function compileAgent(agent: AgentDocument): AgentRule {
  return {
    id: agent.id,
    exact: !isGlob(agent.id),
    zones: agent.zones && new Set(agent.zones),
    workloads: agent.workloads?.map((workload) => compileGlob(workload, { stopAt: ID_SEPARATORS })),
    bindWorkload: agent.bindWorkload === 'first-use',
    onDrift: agent.onDrift,
    rateLimit: agent.rateLimit,
    owner: agent.owner,
    scopes: agent.scopes,
    expiresAtMs: agent.expires,
    profiles: agent.profiles && new Set<Profile>(agent.profiles),
    tags: agent.tags && new Set(agent.tags),
    requireSignedDirectory: agent.requireSignedDirectory,
  };
}

function describeMatch(match: ZoneDocument['match']): string {
  const parts = [
    match.hosts && `hosts ${match.hosts.join(', ')}`,
    match.paths && `paths ${match.paths.join(', ')}`,
    match.methods && `methods ${match.methods.join(', ')}`,
  ].filter(Boolean);
  return parts.length === 0 ? 'every request' : parts.join('; ');
}
