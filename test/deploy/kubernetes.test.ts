import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { checkProviders } from './mesh-config-providers.js';
import {
  declaredProviders,
  type Manifest,
  undeclaredProviders,
  validateManifest,
} from './validate-manifests.js';

// biome-ignore lint/suspicious/noExplicitAny: tests reach into parsed YAML and break it on purpose
type Yaml = any;

/**
 * `kubectl kustomize` renders offline. Where kubectl is missing, the listed resources and the
 * generated ConfigMap are read directly (no patches, no namespace rewriting).
 */
function render(dir: string): Manifest[] {
  try {
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    return parseAllDocuments(text).map((document) => document.toJSON() as Manifest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return readKustomization(dir);
  }
}

function readKustomization(dir: string): Manifest[] {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as {
    resources?: string[];
    configMapGenerator?: Array<{ name: string; files: string[] }>;
  };
  const manifests = (kustomization.resources ?? []).flatMap((resource) =>
    resource.endsWith('.yaml')
      ? parseAllDocuments(readFileSync(join(dir, resource), 'utf8')).map(
          (document) => document.toJSON() as Manifest,
        )
      : readKustomization(join(dir, resource)),
  );
  for (const generator of kustomization.configMapGenerator ?? []) {
    const data = Object.fromEntries(
      generator.files.map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
    );
    manifests.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generator.name },
      data,
    });
  }
  return manifests;
}

const find = (manifests: Manifest[], kind: string, name = 'agent-authz') =>
  manifests.find((m) => m.kind === kind && m.metadata?.name === name)!;
const copy = <T>(value: T): T => structuredClone(value);
const meshConfig = parse(readFileSync('deploy/istio/mesh-config.yaml', 'utf8')) as Manifest;

describe.each(['deploy/kubernetes', 'deploy/redis', 'deploy/istio'])(
  'the kustomization %s',
  (dir) => {
    it('renders manifests that are valid against the Kubernetes and Istio schemas', () => {
      const manifests = render(dir);
      expect(manifests.length).toBeGreaterThanOrEqual(6);
      expect(manifests.flatMap(validateManifest)).toEqual([]);
    });
  },
);

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

describe('Istio', () => {
  const manifests = render('deploy/istio');
  const policy = find(manifests, 'AuthorizationPolicy');

  it('declares the gRPC and HTTP providers in meshConfig, valid against the IstioOperator schema', () => {
    expect(validateManifest(meshConfig)).toEqual([]);
    expect(checkProviders(meshConfig)).toEqual([]);
    expect(declaredProviders(meshConfig)).toEqual(['agent-authz-grpc', 'agent-authz-http']);
  });

  it('has a CUSTOM AuthorizationPolicy naming a declared provider', () => {
    expect(policy.spec).toMatchObject({ action: 'CUSTOM', provider: { name: 'agent-authz-grpc' } });
    expect(undeclaredProviders(manifests, declaredProviders(meshConfig))).toEqual([]);
  });

  it('reports a policy naming a provider the mesh does not declare', () => {
    const renamed = copy(policy) as Manifest & { spec: { provider: { name: string } } };
    renamed.spec.provider.name = 'agent-authz';
    expect(undeclaredProviders([renamed], declaredProviders(meshConfig))).toEqual(['agent-authz']);
  });

  it('fails validation for an AuthorizationPolicy with an unknown action', () => {
    const broken = copy(policy) as Manifest & { spec: { action: string } };
    broken.spec.action = 'CUSTOMISED';
    expect(validateManifest(broken)).toHaveLength(1);
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
        p[1].envoyExtAuthzHttp.headersToUpstreamOnAllowed = [];
      },
    ],
    [
      'a provider of no known kind',
      (p: Yaml) => {
        p[0] = { name: 'x', envoyExtAuthz: {} };
      },
    ],
  ])('reports a provider with %s', (_name, breakIt) => {
    const broken = copy(meshConfig) as Yaml;
    breakIt(broken.spec.meshConfig.extensionProviders);
    expect(checkProviders(broken).length).toBeGreaterThan(0);
  });
});
