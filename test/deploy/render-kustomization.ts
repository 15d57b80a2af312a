import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import type { Manifest } from './validate-manifests.js';

/**
 * `kubectl kustomize DIR`: renders a kustomization offline, as `kubectl apply -k` would apply it
 * (patches, components, generators, namespaces).
 */
export function render(dir: string): Manifest[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('kubectl is needed to render the kustomizations (kubectl kustomize)');
    }
    throw error;
  }
  return parseAllDocuments(text).map((document) => document.toJSON() as Manifest);
}

/**
 * What an operator's own overlay renders to when it lists these resources and components of the
 * repository (paths relative to the repository root), e.g. an optional component on an overlay.
 */
export function renderComposed(
  namespace: string,
  resources: readonly string[],
  components: readonly string[],
): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'agent-authz-overlay-'));
  try {
    const from = (path: string) => relative(dir, resolve(path));
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace,
      resources: resources.map(from),
      components: components.map(from),
    };
    writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
    return render(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The object of this kind and name. */
export function find(manifests: readonly Manifest[], kind: string, name = 'agent-authz'): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found;
}
