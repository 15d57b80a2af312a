import { readFileSync } from 'node:fs';
import type { CliIo } from '../../command-line/cli-io.js';
import { parseCommandArgs, usageError } from '../../command-line/parse-command-args.js';
import { configFlagOptions } from '../../config/config-sources.js';
import { loadConfig } from '../../config/load-config.js';
import { systemClock } from '../../lib/clock.js';
import { checkKeyDirectory } from '../check-directory/check-key-directory.js';
import type { DirectoryCheckReport } from '../check-directory/directory-report.js';
import { resolveCheckTarget } from '../check-directory/resolve-check-target.js';

const CHECK = {
  command: 'directory check',
  usage: `usage: agent-authz directory check [--json] [--config FILE] [--<field> VALUE]... URL

Fetches a Web Bot Auth key directory exactly as the server would (same HTTPS client, limits and
parsing) and prints every problem in plain words. URL is an origin (https://agent.example),
the directory URL itself, a JWKS URI (Signature-Agent g3, type=jwks_uri) or a did:web DID.
Exit status: 0 when there is no error and no warning, 1 when there is, 2 for a bad command line.
  --json                print the report as one JSON object
  -c, --config FILE     the server's YAML configuration: its resolver settings apply
                        (default: $AGENT_AUTHZ_CONFIG; AGENT_AUTHZ_* variables apply too)
  --<field> VALUE       any configuration field, e.g. --resolver.ca-file ca.pem to trust a
                        private CA, --resolver.allow-private-networks true for a test host
  -h, --help            show this help
`,
  options: {
    json: { type: 'boolean', default: false },
    config: { type: 'string', short: 'c' },
    ...configFlagOptions(),
  },
  positionals: true,
} as const;

/** `agent-authz directory check URL`: a directory's problems, as the server would meet them. */
export async function directoryCheck(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(CHECK, args);
  const { json, config: file, ...fields } = values as Record<string, string | boolean | undefined>;
  const [target, ...extra] = positionals;
  if (target === undefined || extra.length > 0)
    throw usageError(CHECK, 'give one URL or did:web DID');
  if (resolveCheckTarget(target) === null) {
    throw usageError(
      CHECK,
      `"${target}" is not an https origin, directory URL, JWKS URI or did:web DID`,
    );
  }
  const config = loadConfig({
    file: (file as string | undefined) ?? io.env.AGENT_AUTHZ_CONFIG,
    env: io.env,
    flags: Object.entries(fields).map(([name, value]) => `--${name}=${value}`),
  });
  const { caFile } = config.resolver;
  const report = await checkKeyDirectory(target, {
    resolver: config.resolver,
    extraCa: caFile === '' ? undefined : readFileSync(caFile, 'utf8'),
    clock: systemClock,
    clockSkewMs: config.signatures.clockSkew,
  });
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
  return report.clean ? 0 : 1;
}

const KINDS = {
  directory: 'key directory',
  jwks: 'JWKS URI',
  'did-web': 'did:web document',
} as const;

/** The report for a person: findings worst first, the keys, one verdict line. */
export function describeReport(report: DirectoryCheckReport): string {
  const order = { error: 0, warning: 1, note: 2 } as const;
  const findings = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const lines = [`${report.url} (${KINDS[report.kind]})`];
  for (const f of findings) lines.push(`  ${f.severity.padEnd(7)} ${f.message} [${f.code}]`);
  if (report.keys.length > 0) lines.push('keys:');
  for (const key of report.keys) {
    const facts = [key.algorithm ?? 'unusable', key.usable ? 'usable' : 'refused'];
    if (key.signedResponse) facts.push('signs the response');
    lines.push(`  ${key.thumbprint ?? key.kid ?? '(no thumbprint)'}  ${facts.join(', ')}`);
  }
  const count = (severity: string) => report.findings.filter((f) => f.severity === severity).length;
  lines.push(
    report.clean
      ? 'clean: a verifier can use it'
      : `not clean: ${count('error')} error(s), ${count('warning')} warning(s)`,
  );
  return `${lines.join('\n')}\n`;
}
