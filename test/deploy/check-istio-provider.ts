import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { OWNED_HEADERS } from '../../src/decision/upstream-headers.js';
import type { Provider } from './mesh-config-providers.js';
import { find } from './render-kustomization.js';
import type { Manifest } from './validate-manifests.js';

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are read as data
type Yaml = any;

/** What an HTTP-mode check must see: the credentials, the scheme, the forged x-agent-* names. */
const CHECK_HEADERS = [
  'signature',
  'signature-input',
  'signature-agent',
  'content-digest',
  'dpop',
  'x-forwarded-proto',
  'x-forwarded-client-cert',
  'x-agent-*',
];
/** What a denied client needs besides the status and the problem body. */
const DENY_HEADERS = ['content-type', 'www-authenticate', 'accept-signature', 'retry-after'];
const SAMPLE_POD_IP = '10.0.0.7';

/**
 * The agent-authz config one rendered installation runs with: the ConfigMap's file and the
 * Deployment's environment (with `$(VAR)` references expanded as the kubelet does).
 */
export function installedConfig(manifests: readonly Manifest[]): Config {
  const files = find(manifests, 'ConfigMap').data as Record<string, string>;
  const pod = (find(manifests, 'Deployment') as Yaml).spec.template.spec;
  const env: Record<string, string> = {};
  for (const item of pod.containers[0].env ?? []) {
    env[item.name] =
      item.valueFrom?.fieldRef?.fieldPath === 'status.podIP'
        ? SAMPLE_POD_IP
        : String(item.value ?? '').replace(
            /\$\((\w+)\)/g,
            (_: string, name: string) => env[name] ?? '',
          );
  }
  const dir = mkdtempSync(join(tmpdir(), 'agent-authz-installed-'));
  try {
    writeFileSync(join(dir, 'agent-authz.yaml'), files['agent-authz.yaml']!);
    return loadConfig({ file: join(dir, 'agent-authz.yaml'), env, flags: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where a provider and the installation it calls disagree: the Service it names, the port
 * behind it, the path prefix, the headers each way, XFCC, the body limits and the timeout.
 */
export function providerProblems(provider: Provider, manifests: readonly Manifest[]): string[] {
  const config = installedConfig(manifests);
  const grpc = 'envoyExtAuthzGrpc' in provider;
  const settings: Yaml = grpc ? provider.envoyExtAuthzGrpc : provider.envoyExtAuthzHttp;
  const problems = [
    ...serviceProblems(settings, manifests, grpc ? config.listen.grpc : config.listen.http),
    ...sharedProblems(settings, config),
  ];
  if (!grpc) problems.push(...httpProblems(settings, config));
  return problems.map((problem) => `${provider.name}: ${problem}`);
}

function serviceProblems(settings: Yaml, manifests: readonly Manifest[], listen: string): string[] {
  const [, name, namespace] =
    /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(settings.service) ?? [];
  const service = manifests.find(
    (m) => m.kind === 'Service' && m.metadata?.name === name && m.metadata?.namespace === namespace,
  ) as Yaml;
  if (service === undefined) return [`service ${settings.service} is not rendered`];
  const port = service.spec.ports.find((p: Yaml) => p.port === settings.port);
  if (port === undefined) return [`service ${name} has no port ${settings.port}`];
  const container = (find(manifests, 'Deployment') as Yaml).spec.template.spec.containers[0];
  const target = container.ports.find((p: Yaml) => p.name === port.targetPort);
  const listening = Number(listen.slice(listen.lastIndexOf(':') + 1));
  return target?.containerPort === listening
    ? []
    : [
        `port ${settings.port} reaches container port ${target?.containerPort}, agent-authz listens on ${listen || 'nothing'}`,
      ];
}

function sharedProblems(settings: Yaml, config: Config): string[] {
  const problems: string[] = [];
  if (settings.failOpen !== false) problems.push('failOpen must be false');
  if (settings.statusOnError !== '503') problems.push('statusOnError must be "503"');
  const timeoutMs = Number.parseFloat(settings.timeout) * 1000;
  if (!(timeoutMs > config.limits.checkTimeout)) {
    problems.push(
      `timeout ${settings.timeout} is not above limits.checkTimeout (${config.limits.checkTimeout} ms)`,
    );
  }
  const body = settings.includeRequestBodyInCheck;
  if (body !== undefined) {
    if (body.allowPartialMessage !== false) problems.push('a partial body cannot be checked');
    if (body.maxRequestBytes > config.limits.maxDigestBodyBytes) {
      problems.push(`maxRequestBytes ${body.maxRequestBytes} is above limits.maxDigestBodyBytes`);
    }
  }
  return problems;
}

function httpProblems(settings: Yaml, config: Config): string[] {
  const problems: string[] = [];
  if ((settings.pathPrefix ?? '') !== config.http.pathPrefix) {
    problems.push(
      `pathPrefix ${settings.pathPrefix} but http.pathPrefix "${config.http.pathPrefix}"`,
    );
  }
  if (!config.http.forwardedClientCert) {
    problems.push('http.forwardedClientCert is off: the workload principal would be lost');
  }
  const sent: string[] = settings.includeRequestHeadersInCheck ?? [];
  for (const name of CHECK_HEADERS.filter((h) => !sent.includes(h)))
    problems.push(`${name} is not sent`);
  const upstream = [...(settings.headersToUpstreamOnAllow ?? [])].sort();
  if (upstream.join() !== [...OWNED_HEADERS].sort().join()) {
    problems.push(`headersToUpstreamOnAllow is not exactly ${OWNED_HEADERS.join(', ')}`);
  }
  const denied: string[] = settings.headersToDownstreamOnDeny ?? [];
  for (const name of DENY_HEADERS.filter((h) => !denied.includes(h))) {
    problems.push(`${name} does not reach a denied client`);
  }
  const body = settings.includeRequestBodyInCheck;
  if (body !== undefined && body.maxRequestBytes > config.http.maxBodyBytes) {
    problems.push(`maxRequestBytes ${body.maxRequestBytes} is above http.maxBodyBytes`);
  }
  return problems;
}
