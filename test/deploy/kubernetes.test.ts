import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { installedConfig } from './check-istio-provider.js';
import { admittedPorts } from './network-policy-ports.js';
import { find, render, renderComposed } from './render-kustomization.js';
import { type Manifest, validateManifest } from './validate-manifests.js';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into parsed YAML and break it on purpose
type Yaml = any;

const copy = <T>(value: T): T => structuredClone(value);

/** Every kustomization in deploy/, each rendered as `kubectl apply -k` would apply it. */
const KUSTOMIZATIONS = readdirSync('deploy', { recursive: true })
  .map(String)
  .filter((path) => path.endsWith('kustomization.yaml') && !path.startsWith('components'))
  .map((path) => join('deploy', dirname(path)))
  .sort();

describe('the kustomizations', () => {
  it('are the base, Redis, Istio, Istio with Redis, and the Istio example', () => {
    expect(KUSTOMIZATIONS).toEqual([
      'deploy/examples/istio',
      'deploy/istio',
      'deploy/istio-redis',
      'deploy/kubernetes',
      'deploy/redis',
    ]);
  });

  it.each(KUSTOMIZATIONS)('%s renders objects valid against their schemas', (dir) => {
    const manifests = render(dir);
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    expect(manifests.flatMap(validateManifest)).toEqual([]);
  });

  it.each([['deploy/kubernetes'], ['deploy/istio-redis']])(
    '%s with the optional ServiceMonitor renders objects valid against their schemas',
    (dir) => {
      const manifests = renderComposed('agent-authz', [dir], ['deploy/components/service-monitor']);
      expect(find(manifests, 'ServiceMonitor').spec).toMatchObject({
        endpoints: [{ port: 'admin', path: '/metrics' }],
      });
      expect(find(manifests, 'Service', 'agent-authz-admin').spec).toMatchObject({
        clusterIP: 'None',
      });
      expect(manifests.flatMap(validateManifest)).toEqual([]);
      const broken = copy(find(manifests, 'ServiceMonitor')) as Yaml;
      broken.spec.endpoints = 'admin';
      expect(validateManifest(broken)).toHaveLength(1);
    },
  );
});

describe('the agent-authz Deployment', () => {
  const manifests = render('deploy/kubernetes');
  const deployment = find(manifests, 'Deployment') as Manifest & {
    spec: { template: { spec: Yaml } };
  };
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('probes the admin port, runs as non-root, sets resources and spreads across nodes', () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'admin' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'admin' });
    expect(container.ports).toContainEqual({ name: 'admin', containerPort: 9193 });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(container.resources.requests).toBeDefined();
    expect(pod.affinity.podAntiAffinity).toBeDefined();
  });

  it('mounts the ConfigMap as a directory (no subPath), so policy updates reach the pod', () => {
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/agent-authz', readOnly: true },
    ]);
    expect(find(manifests, 'ConfigMap').metadata?.name).toBe('agent-authz');
  });

  it('ships a config and a policy agent-authz accepts', () => {
    const data = find(manifests, 'ConfigMap').data as Record<string, string>;
    const dir = mkdtempSync(join(tmpdir(), 'agent-authz-k8s-'));
    try {
      writeFileSync(join(dir, 'agent-authz.yaml'), data['agent-authz.yaml']!);
      const config = loadConfig({ file: join(dir, 'agent-authz.yaml'), env: {}, flags: [] });
      expect(config.policy).toBe('/etc/agent-authz/policy.yaml');
      expect(parsePolicy(data['policy.yaml']!).mode).toBe('observe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'replicas given as text',
      (d: Yaml) => {
        d.spec.replicas = 'two';
      },
    ],
    [
      'a container without an image name type',
      (d: Yaml) => {
        d.spec.template.spec.containers[0].name = 7;
      },
    ],
    [
      'a probe port of the wrong type',
      (d: Yaml) => {
        d.spec.template.spec.containers[0].livenessProbe.httpGet.port = { admin: true };
      },
    ],
  ])('fails validation when broken by %s', (_name, breakIt) => {
    const broken = copy(deployment);
    breakIt(broken);
    expect(validateManifest(broken)).toHaveLength(1);
  });
});

describe('the admin API in the cluster', () => {
  const manifests = render('deploy/kubernetes');
  const template = (find(manifests, 'Deployment') as Yaml).spec.template;

  it('listens on the pod IP only, not on every address', () => {
    expect(installedConfig(manifests).listen.admin).toBe('10.0.0.7:9193');
  });

  it('is announced to Prometheus by scrape annotations', () => {
    expect(template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9193',
      'prometheus.io/path': '/metrics',
    });
  });

  it('is not exposed by the Service', () => {
    const ports = (find(manifests, 'Service') as Yaml).spec.ports.map((p: Yaml) => p.port);
    expect(ports).toEqual([9191, 9192]);
  });
});

describe.each(['deploy/kubernetes', 'deploy/redis', 'deploy/istio', 'deploy/istio-redis'])(
  'the NetworkPolicy of %s',
  (dir) => {
    const policy = find(render(dir), 'NetworkPolicy');

    it('admits the admin port only from the scrape namespace, and otherwise only the check ports', () => {
      // The kubelet's probes come from the node, which a NetworkPolicy always admits.
      expect(admittedPorts(policy)).toEqual([
        { port: 9191, from: 'any namespace' },
        { port: 9192, from: 'any namespace' },
        { port: 9193, from: 'namespace monitoring' },
      ]);
    });
  },
);

describe('the NetworkPolicy check', () => {
  const policy = find(render('deploy/kubernetes'), 'NetworkPolicy') as Yaml;

  it('sees the admin port opened to everyone', () => {
    const open = copy(policy);
    open.spec.ingress[0].ports.push({ port: 9193, protocol: 'TCP' });
    expect(admittedPorts(open)).toContainEqual({ port: 9193, from: 'any namespace' });
  });

  it('sees a rule without ports as admitting every port', () => {
    const open = copy(policy);
    delete open.spec.ingress[1].ports;
    expect(admittedPorts(open)).toContainEqual({ port: 'every', from: 'namespace monitoring' });
  });
});
