import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
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

/** The Kubernetes and Istio schemas (from registry packages) each kind is validated against. */
const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'install.istio.io/v1alpha1/IstioOperator': IstioOperator,
};

/** Schema problems of one manifest, each naming the object; an unknown kind is a problem too. */
export function validateManifest(manifest: Manifest): string[] {
  const name = `${manifest.kind}/${manifest.metadata?.name ?? '?'}`;
  const model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (model === undefined)
    return [`${name}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
  try {
    new model(manifest as never).validate();
    return [];
  } catch (error) {
    return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** The ext_authz providers an IstioOperator's meshConfig declares, by name. */
export function declaredProviders(operator: Manifest): string[] {
  const spec = operator.spec as { meshConfig?: { extensionProviders?: Array<{ name: string }> } };
  return (spec.meshConfig?.extensionProviders ?? []).map((provider) => provider.name);
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
