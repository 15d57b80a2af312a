#!/usr/bin/env node
// Merges agent-authz's extension providers (deploy/istio/extension-providers.yaml) into the mesh
// config an Istio mesh already has, changing nothing else in it. One input form per way a mesh
// is installed; the output is what that install method applies:
//   node scripts/merge-mesh-providers.mjs configmap MESH_FILE
//     MESH_FILE: kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}'
//     prints a JSON merge patch for that ConfigMap: the same mesh config, providers merged
//   node scripts/merge-mesh-providers.mjs helm VALUES_FILE
//     VALUES_FILE: helm get values istiod -n istio-system -o yaml
//     prints a values file for istiod with the merged meshConfig.extensionProviders
//   node scripts/merge-mesh-providers.mjs istiooperator OPERATOR_FILE
//     OPERATOR_FILE: the IstioOperator the mesh was installed with
//     prints an IstioOperator overlay (istioctl install -f OPERATOR_FILE -f OVERLAY)
// Helm and istioctl replace a list rather than merge it, so each output carries the mesh's own
// providers (in their order) before agent-authz's; a mesh provider named like one of
// agent-authz's is replaced, and named on stderr. Merging an output again changes nothing.
// --providers FILE reads the providers from another file of the same shape.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseDocument, stringify } from 'yaml';

const FORMS = {
  configmap: { path: ['extensionProviders'], write: writeConfigMapPatch },
  helm: { path: ['meshConfig', 'extensionProviders'], write: writeHelmValues },
  istiooperator: { path: ['spec', 'meshConfig', 'extensionProviders'], write: writeOverlay },
};

const args = process.argv.slice(2);
const providersFlag = args.indexOf('--providers');
const providersFile =
  providersFlag === -1
    ? fileURLToPath(new URL('../deploy/istio/extension-providers.yaml', import.meta.url))
    : args.splice(providersFlag, 2)[1];
const [formName, inputFile] = args;
const form = FORMS[formName];
if (form === undefined || inputFile === undefined || providersFile === undefined) {
  process.stderr.write(
    'usage: merge-mesh-providers.mjs configmap|helm|istiooperator FILE [--providers FILE]\n',
  );
  process.exit(2);
}

const ours = parse(readFileSync(providersFile, 'utf8')).extensionProviders;
const document = parseDocument(readFileSync(inputFile, 'utf8'));
if (document.errors.length > 0) fail(`${inputFile}: ${document.errors[0].message}`);
const current = document.toJSON() ?? {};
if (typeof current !== 'object' || Array.isArray(current)) fail(`${inputFile}: not a YAML map`);
const theirs = form.path.reduce((node, key) => node?.[key], current) ?? [];
if (!Array.isArray(theirs)) fail(`${inputFile}: ${form.path.join('.')} is not a list`);

const names = new Set(ours.map((provider) => provider.name));
const replaced = theirs.filter((provider) => names.has(provider?.name));
for (const provider of replaced) process.stderr.write(`replacing provider ${provider.name}\n`);
const merged = [...theirs.filter((provider) => !names.has(provider?.name)), ...ours];
process.stdout.write(form.write(merged, document, current));

/** The ConfigMap's `mesh` text with only extensionProviders changed (comments kept). */
function writeConfigMapPatch(providers, doc) {
  if (doc.contents === null) doc.contents = doc.createNode({});
  doc.setIn(['extensionProviders'], doc.createNode(providers));
  return `${JSON.stringify({ data: { mesh: doc.toString() } }, null, 2)}\n`;
}

function writeHelmValues(providers) {
  return stringify({ meshConfig: { extensionProviders: providers } });
}

function writeOverlay(providers, _doc, operator) {
  return stringify({
    apiVersion: operator.apiVersion ?? 'install.istio.io/v1alpha1',
    kind: 'IstioOperator',
    metadata: operator.metadata ?? { namespace: 'istio-system' },
    spec: { meshConfig: { extensionProviders: providers } },
  });
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
