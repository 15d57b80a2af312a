import { parseCommandArgs, runSubcommand, usageError } from '../command-line/parse-command-args.js';
import { loadPolicyFile } from '../policy/load-policy.js';
import type { Policy, Zone } from '../policy/policy.js';

const POLICY_USAGE = `usage: agent-authz policy check FILE

  policy check FILE   validate a policy file and print what it means (exit 2 if invalid)
`;

const POLICY_CHECK = {
  command: 'policy check',
  usage: `usage: agent-authz policy check FILE

Validates a policy file and prints what it means: mode, zones in match order, agents, revoked
entries. An invalid file is reported with the field and its line, and the exit status is 2.
  -h, --help   show this help
`,
  options: {},
  positionals: true,
} as const;

/** `agent-authz policy <subcommand>`: only `check` today. */
export function policyCommand(args: string[]): void {
  runSubcommand({ command: 'policy', usage: POLICY_USAGE }, { check: policyCheck }, args);
}

/** `agent-authz policy check FILE`: validates a policy file and prints what it means. */
function policyCheck(args: string[]): void {
  const { positionals } = parseCommandArgs(POLICY_CHECK, args);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw usageError(POLICY_CHECK, 'give one FILE');
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
