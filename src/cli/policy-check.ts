import { loadPolicyFile } from '../policy/load-policy.js';
import type { Policy, Zone } from '../policy/policy.js';

/**
 * `agent-authz policy check FILE`: validates a policy file and prints what it means. Exits 2
 * (through the caller) with the field and line when it is invalid.
 */
export function policyCommand(args: string[]): void {
  const [subcommand, file] = args;
  if (subcommand !== 'check' || file === undefined) {
    throw new Error('usage: agent-authz policy check FILE');
  }
  process.stdout.write(describePolicy(loadPolicyFile(file)));
}

export function describePolicy(policy: Policy): string {
  const lines = [
    `policy ${policy.source.file} is valid (sha256 ${policy.source.sha256.slice(0, 12)}…)`,
    `mode: ${policy.mode}; requests without an agent credential: ${policy.unsigned}`,
    `zones (first match wins; a route's context_extensions.zone picks one by name):`,
    ...(policy.zones.length === 0 ? ['  (none: the policy-level settings apply everywhere)'] : []),
    ...policy.zones.map(describeZone),
    `agents: ${policy.exactAgents.size} by exact id, ${policy.patternAgents.length} by pattern`,
    ...[...policy.exactAgents.values(), ...policy.patternAgents.map(({ rule }) => rule)].map(
      (rule) =>
        `  ${rule.id}${rule.exact ? '' : ' (pattern)'}: zones ${rule.zones ? [...rule.zones].join(', ') : 'any'}` +
        `${rule.workloads ? `; workloads ${rule.workloads.length} pattern(s)` : ''}` +
        `${rule.bindWorkload ? `; pinned on first use, on drift ${rule.onDrift}` : ''}` +
        `${rule.rateLimit ? `; ${rule.rateLimit.limit} per ${rule.rateLimit.windowMs / 1000}s` : ''}` +
        `${rule.owner ? `; owner ${rule.owner}` : ''}` +
        `${rule.expiresAtMs ? `; expires ${new Date(rule.expiresAtMs).toISOString()}` : ''}`,
    ),
    `revoked: ${policy.revoked.size}`,
  ];
  return `${lines.join('\n')}\n`;
}

function describeZone(zone: Zone): string {
  return (
    `  ${zone.name} (${zone.matchText}): mode ${zone.mode}, unsigned ${zone.unsigned}, profiles ${[...zone.profiles].join('/')}, ` +
    `min trust ${zone.minTrust}, unknown agents ${zone.unknownAgents}` +
    `${zone.signedHeaders.length ? `, signed headers ${zone.signedHeaders.join(', ')}` : ''}` +
    `${zone.scopes.length ? `, scopes ${zone.scopes.join(' ')}` : ''}`
  );
}
