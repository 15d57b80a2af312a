import type { Manifest } from './validate-manifests.js';

export interface Admission {
  readonly port: number | string;
  readonly from: string;
}

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: unknown;
  ipBlock?: { cidr: string };
}
interface IngressRule {
  from?: Peer[];
  ports?: Array<{ port?: number | string }>;
}

/**
 * What an ingress NetworkPolicy admits, one entry per port and source, sorted: `any namespace`
 * for an empty namespace selector (or no `from`), `namespace NAME` for a selector on
 * kubernetes.io/metadata.name, and `every` for a rule without ports.
 */
export function admittedPorts(policy: Manifest): Admission[] {
  const rules = ((policy.spec as { ingress?: IngressRule[] }).ingress ?? []) as IngressRule[];
  const admitted = rules.flatMap((rule) => {
    const sources = rule.from === undefined || rule.from.length === 0 ? [{}] : rule.from;
    const ports = rule.ports?.map((p) => p.port ?? 'every') ?? ['every'];
    return ports.flatMap((port) => sources.map((peer) => ({ port, from: describePeer(peer) })));
  });
  return admitted.sort(
    (a, b) => String(a.port).localeCompare(String(b.port)) || a.from.localeCompare(b.from),
  );
}

function describePeer(peer: Peer): string {
  if (peer.ipBlock !== undefined) return `addresses ${peer.ipBlock.cidr}`;
  const name = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  if (name !== undefined) return `namespace ${name}`;
  if (peer.podSelector !== undefined && peer.namespaceSelector === undefined)
    return 'pods of this namespace';
  return 'any namespace';
}
