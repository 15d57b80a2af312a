import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateManifest } from './validate-manifests.js';

const run = promisify(execFile);
const ours = parse(await readFile('deploy/istio/extension-providers.yaml', 'utf8'))
  .extensionProviders as Array<{ name: string }>;
const OURS = ours.map((provider) => provider.name);

/** A mesh config as a mesh installed with other settings has it: comments, providers of its own. */
const MESH = `# set by the platform team
accessLogFile: /dev/stdout
defaultConfig:
  holdApplicationUntilProxyStarts: true
extensionProviders:
  - name: opa
    envoyExtAuthzGrpc: { service: opa.opa.svc.cluster.local, port: 9191 }
  - name: agent-authz-grpc   # an older agent-authz provider
    envoyExtAuthzGrpc: { service: old.example.svc.cluster.local, port: 1 }
  - name: otel
    opentelemetry: { service: otel.observability.svc.cluster.local, port: 4317 }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-authz-mesh-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function merge(form: string, text: string): Promise<{ stdout: string; stderr: string }> {
  const file = join(dir, `${form}-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, text);
  return run(process.execPath, ['scripts/merge-mesh-providers.mjs', form, file]);
}

const providerNames = (list: Array<{ name: string }>) => list.map((provider) => provider.name);

describe('merging the providers into an existing mesh (scripts/merge-mesh-providers.mjs)', () => {
  it('patches the istio ConfigMap keeping every other setting, comment and provider', async () => {
    const { stdout, stderr } = await merge('configmap', MESH);
    const mesh = (JSON.parse(stdout) as { data: { mesh: string } }).data.mesh;
    expect(mesh).toContain('# set by the platform team');
    const merged = parse(mesh);
    expect(merged.accessLogFile).toBe('/dev/stdout');
    expect(merged.defaultConfig).toEqual({ holdApplicationUntilProxyStarts: true });
    expect(providerNames(merged.extensionProviders)).toEqual(['opa', 'otel', ...OURS]);
    expect(merged.extensionProviders.slice(2)).toEqual(ours);
    expect(stderr).toBe('replacing provider agent-authz-grpc\n');
  });

  it('changes nothing when merged again', async () => {
    const once = JSON.parse((await merge('configmap', MESH)).stdout).data.mesh;
    const twice = JSON.parse((await merge('configmap', once)).stdout).data.mesh;
    expect(twice).toBe(once);
  });

  it('merges into an empty mesh config', async () => {
    const mesh = JSON.parse((await merge('configmap', '')).stdout).data.mesh;
    expect(parse(mesh)).toEqual({ extensionProviders: ours });
  });

  it('writes Helm values holding the whole provider list, since Helm replaces lists', async () => {
    const values = `global: { hub: example.io }\nmeshConfig:\n${MESH.replace(/^/gm, '  ')}`;
    const written = parse((await merge('helm', values)).stdout);
    expect(Object.keys(written)).toEqual(['meshConfig']);
    expect(Object.keys(written.meshConfig)).toEqual(['extensionProviders']);
    expect(providerNames(written.meshConfig.extensionProviders)).toEqual(['opa', 'otel', ...OURS]);
  });

  it('writes an IstioOperator overlay valid against its schema, named like the installed one', async () => {
    const operator = `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: { name: prod, namespace: istio-system }\nspec:\n  profile: minimal\n  meshConfig:\n${MESH.replace(/^/gm, '    ')}`;
    const overlay = parse((await merge('istiooperator', operator)).stdout);
    expect(overlay.metadata).toEqual({ name: 'prod', namespace: 'istio-system' });
    expect(overlay.spec).toEqual({
      meshConfig: { extensionProviders: expect.any(Array) },
    });
    expect(providerNames(overlay.spec.meshConfig.extensionProviders)).toEqual([
      'opa',
      'otel',
      ...OURS,
    ]);
    expect(validateManifest(overlay)).toEqual([]);
  });

  it('refuses input that is not a map, saying so', async () => {
    await expect(merge('configmap', '- a\n- b\n')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not a YAML map'),
    });
  });
});
