import { createRequire } from 'node:module';
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

type Model = new (data: never) => { validate(): void };

/** Its `import` condition has no types (no .d.mts), so it is loaded the CommonJS way. */
const { ServiceMonitor } = createRequire(import.meta.url)(
  '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
) as { ServiceMonitor: Model };

/**
 * Versions Istio promoted unchanged (PeerAuthentication, v1 since Istio 1.22) whose schema the
 * models package ships only under the older version: validated as that version.
 */
const PROMOTED: Record<string, string> = {
  'security.istio.io/v1/PeerAuthentication': 'security.istio.io/v1beta1',
};

/**
 * The Kubernetes, Istio and Prometheus Operator schemas (from registry packages) each kind is
 * validated against.
 */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'security.istio.io/v1beta1/PeerAuthentication': PeerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
};

/** Schema problems of one manifest, each naming the object; an unknown kind is a problem too. */
export function validateManifest(manifest: Manifest): string[] {
  const name = `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
  const apiVersion = PROMOTED[`${manifest.apiVersion}/${manifest.kind}`] ?? manifest.apiVersion;
  const model = MODELS[`${apiVersion}/${manifest.kind}`];
  if (model === undefined)
    return [`${name}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new model({ ...manifest, apiVersion } as never).validate();
    return [];
  } catch (error) {
    return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** CUSTOM AuthorizationPolicies whose provider is not declared in the mesh config. */
export function undeclaredProviders(
  manifests: readonly Manifest[],
  declared: readonly string[],
): string[] {
  return manifests
    .filter((m) => m.kind === 'AuthorizationPolicy')
    .map((m) => m.spec as { action?: string; provider?: { name?: string } })
    .filter((spec) => spec.action === 'CUSTOM' && !declared.includes(spec.provider?.name ?? ''))
    .map((spec) => spec.provider?.name ?? '(none)');
}
