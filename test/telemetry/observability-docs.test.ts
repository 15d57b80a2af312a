import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/start-test-app.js';

const server = useTestApp();
const docs = readFileSync('docs/observability.md', 'utf8');
const dashboard = JSON.parse(readFileSync('docs/grafana/agent-authz.json', 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};

/** Every series name the server exports, with the suffixes histograms add. */
async function exportedSeries(): Promise<Set<string>> {
  const families = await server.app.metrics.registry.getMetricsAsJSON();
  return new Set(
    families.flatMap(({ name, type }) =>
      String(type) === 'histogram'
        ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]
        : [name],
    ),
  );
}

const METRIC_NAME = /\b(?:agent_authz|process|nodejs)_[a-z0-9_]+\b/g;

describe('docs/observability.md and the Grafana dashboard', () => {
  it('the dashboard parses and queries only series the server exports', async () => {
    const exported = await exportedSeries();
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const name of expr.match(METRIC_NAME) ?? []) {
          expect(exported.has(name), `${panel.title}: ${name}`).toBe(true);
        }
      }
    }
  });

  it('the docs describe every agent_authz metric, and name no metric that does not exist', async () => {
    const exported = await exportedSeries();
    const families = await server.app.metrics.registry.getMetricsAsJSON();
    for (const { name } of families) {
      if (name.startsWith('agent_authz_')) expect(docs, name).toContain(`\`${name}\``);
    }
    for (const name of docs.match(/\bagent_authz_[a-z0-9_]+\b/g) ?? []) {
      expect(exported.has(name), name).toBe(true);
    }
  });
});
