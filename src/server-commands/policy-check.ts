import { CommandFailed } from '../command-line/cli-errors.js';
import type { CliIo } from '../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../command-line/parse-command-args.js';
import { UnreadableFileError } from '../lib/yaml-file.js';
import { loadPolicyFile } from '../policy/load-policy.js';
import type { Policy, Zone } from '../policy/policy.js';

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

/** `agent-authz policy check FILE`: validates a policy file and prints what it means. */
export function policyCheck(args: string[], io: CliIo): void {
  const { positionals } = parseCommandArgs(POLICY_CHECK, args);
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw usageError(POLICY_CHECK, 'give one FILE');
  io.stdout.write(describePolicy(readPolicy(file)));
}

function readPolicy(file: string): Policy {
  try {
    return loadPolicyFile(file);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new CommandFailed(error.message, {
      hint: 'give the path of a policy file',
      cause: error,
    });
  }
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
        `${rule.expiresAtMs ? `; ${describeExpiry(rule.expiresAtMs)}` : ''}`,
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

const DAY_MS = 86_400_000;

/**
 * When an entry stops admitting. `expires: 2027-06-30` means through that day (UTC): it is
 * compiled to the next midnight, which is printed as the day it closes, not as a timestamp on
 * the following day that reads like an off-by-one.
 */
export function describeExpiry(expiresAtMs: number): string {
  const at = new Date(expiresAtMs).toISOString();
  if (expiresAtMs % DAY_MS !== 0) return `admitted until ${at}`;
  const lastDay = new Date(expiresAtMs - DAY_MS).toISOString().slice(0, 10);
  return `admitted through ${lastDay} (UTC), refused from ${at}`;
}
