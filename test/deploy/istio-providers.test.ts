import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { installedConfig, providerProblems } from './check-istio-provider.js';
import { checkProviders, type Provider } from './mesh-config-providers.js';
import { find, render } from './render-kustomization.js';
import { type Manifest, undeclaredProviders } from './validate-manifests.js';

const providers = parse(readFileSync('deploy/istio/extension-providers.yaml', 'utf8'))
  .extensionProviders as Provider[];
const names = providers.map((provider) => provider.name);
const ISTIO_OVERLAYS = ['deploy/istio', 'deploy/istio-redis'];
const copy = <T>(value: T): T => structuredClone(value);
// biome-ignore lint/suspicious/noExplicitAny: tests break parsed YAML on purpose
type Yaml = any;

describe('the Istio extension providers (deploy/istio/extension-providers.yaml)', () => {
  it('are gRPC, gRPC without the body, and HTTP, each valid against MeshConfig.ExtensionProvider', () => {
    expect(names).toEqual([
      'agent-authz-grpc',
      'agent-authz-grpc-without-body',
      'agent-authz-http',
    ]);
    expect(checkProviders(providers)).toEqual([]);
  });

  it.each([
    [
      'a port given as text',
      (p: Yaml) => {
        p[0].envoyExtAuthzGrpc.port = 'grpc';
      },
    ],
    [
      'a misspelt field',
      (p: Yaml) => {
        p[2].envoyExtAuthzHttp.headersToUpstreamOnAllowed = [];
      },
    ],
    [
      'a provider of no known kind',
      (p: Yaml) => {
        p[0] = { name: 'x', envoyExtAuthz: {} };
      },
    ],
  ])('are reported when one has %s', (_name, breakIt) => {
    const broken = copy(providers);
    breakIt(broken);
    expect(checkProviders(broken).length).toBeGreaterThan(0);
  });
});

describe.each(ISTIO_OVERLAYS.flatMap((dir) => names.map((name) => [dir, name] as const)))(
  'the kustomization %s called through %s',
  (dir, name) => {
    it('agrees with the provider: service, port, path, headers, XFCC, body limits and timeout', () => {
      const provider = providers.find((p) => p.name === name)!;
      expect(providerProblems(provider, render(dir))).toEqual([]);
    });
  },
);

describe('the provider consistency check', () => {
  const manifests = render('deploy/istio');
  const http = (): Yaml => copy(providers.find((p) => p.name === 'agent-authz-http'));
  const grpc = (): Yaml => copy(providers.find((p) => p.name === 'agent-authz-grpc'));

  it.each([
    [
      'a path prefix agent-authz does not strip',
      http,
      (p: Yaml) => {
        p.envoyExtAuthzHttp.pathPrefix = '/authz';
      },
      /pathPrefix \/authz but http\.pathPrefix "\/check"/,
    ],
    [
      'an identity header not copied upstream',
      http,
      (p: Yaml) => {
        p.envoyExtAuthzHttp.headersToUpstreamOnAllow.pop();
      },
      /headersToUpstreamOnAllow is not exactly/,
    ],
    [
      'XFCC not forwarded',
      http,
      (p: Yaml) => {
        p.envoyExtAuthzHttp.includeRequestHeadersInCheck = ['signature'];
      },
      /x-forwarded-client-cert is not sent/,
    ],
    [
      'a port no Service has',
      grpc,
      (p: Yaml) => {
        p.envoyExtAuthzGrpc.port = 9999;
      },
      /has no port 9999/,
    ],
    [
      'the HTTP port for gRPC',
      grpc,
      (p: Yaml) => {
        p.envoyExtAuthzGrpc.port = 9192;
      },
      /reaches container port 9192, agent-authz listens on 0\.0\.0\.0:9191/,
    ],
    [
      'a timeout agent-authz cannot answer within',
      grpc,
      (p: Yaml) => {
        p.envoyExtAuthzGrpc.timeout = '0.1s';
      },
      /timeout 0\.1s is not above limits\.checkTimeout \(140 ms\)/,
    ],
    [
      'a body larger than agent-authz hashes',
      grpc,
      (p: Yaml) => {
        p.envoyExtAuthzGrpc.includeRequestBodyInCheck.maxRequestBytes = 2_097_152;
      },
      /above limits\.maxDigestBodyBytes/,
    ],
    [
      'fail open',
      grpc,
      (p: Yaml) => {
        p.envoyExtAuthzGrpc.failOpen = true;
      },
      /failOpen must be false/,
    ],
  ])('reports %s', (_name, provider, breakIt, problem) => {
    const broken = provider();
    breakIt(broken);
    expect(providerProblems(broken, manifests).join('\n')).toMatch(problem);
  });

  it('reports the HTTP provider against the plain Kubernetes config, which sets neither path nor XFCC', () => {
    const problems = providerProblems(http(), render('deploy/kubernetes')).join('\n');
    expect(problems).toMatch(/pathPrefix \/check but http\.pathPrefix ""/);
    expect(problems).toMatch(/http\.forwardedClientCert is off/);
  });
});

describe('agent-authz in the mesh', () => {
  it.each(ISTIO_OVERLAYS)(
    '%s: sidecar-injected, STRICT mTLS, admin outside the sidecar and on the pod IP',
    (dir) => {
      const manifests = render(dir);
      expect(find(manifests, 'Namespace').metadata).toMatchObject({
        labels: { 'istio-injection': 'enabled' },
      });
      expect(find(manifests, 'PeerAuthentication', 'default').spec).toEqual({
        mtls: { mode: 'STRICT' },
      });
      const template = (find(manifests, 'Deployment') as Yaml).spec.template;
      expect(template.metadata.annotations).toMatchObject({
        'traffic.sidecar.istio.io/excludeInboundPorts': '9193',
        'prometheus.istio.io/merge-metrics': 'false',
        'prometheus.io/port': '9193',
      });
      expect(installedConfig(manifests).listen.admin).toBe('10.0.0.7:9193');
    },
  );

  it('creates nothing outside its own namespace and no AuthorizationPolicy', () => {
    for (const dir of ISTIO_OVERLAYS) {
      const manifests = render(dir);
      expect(manifests.filter((m) => m.kind === 'AuthorizationPolicy')).toEqual([]);
      const elsewhere = manifests.filter(
        (m) => m.kind !== 'Namespace' && m.metadata?.namespace !== 'agent-authz',
      );
      expect(elsewhere).toEqual([]);
    }
  });
});

describe('the Istio example (deploy/examples/istio)', () => {
  const manifests = render('deploy/examples/istio');

  it('lives in a namespace that says it is an example, with example workloads', () => {
    const namespaces = new Set(manifests.map((m) => m.metadata?.namespace ?? m.metadata?.name));
    expect([...namespaces]).toEqual(['agent-authz-example']);
    const workloads = manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata?.name);
    expect(workloads.every((name) => name?.startsWith('example-'))).toBe(true);
  });

  it('protects each workload with one CUSTOM policy naming a declared provider', () => {
    const policies = manifests.filter(
      (m): m is Manifest & { spec: Yaml } => m.kind === 'AuthorizationPolicy',
    );
    expect(policies.map((p) => [p.spec.selector.matchLabels.app, p.spec.provider.name])).toEqual([
      ['example-api', 'agent-authz-grpc'],
      ['example-uploads', 'agent-authz-grpc-without-body'],
    ]);
    expect(undeclaredProviders(manifests, names)).toEqual([]);
    expect(
      undeclaredProviders(
        [{ ...policies[0]!, spec: { ...policies[0]!.spec, provider: { name: 'agent-authz' } } }],
        names,
      ),
    ).toEqual(['agent-authz']);
  });
});
