import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { expect } from 'vitest';
import { admin } from './admin-client.js';

/** One scrape of `/metrics`, parsed as Prometheus text by an independent parser. */
export interface Scrape {
  readonly families: ReadonlyMap<string, ParsedFamily>;
  /** The value of the sample of `name` whose labels include `labels` (0 when absent). */
  value(name: string, labels?: Record<string, string>): number;
  /** The observation count of a histogram sample. */
  count(name: string, labels?: Record<string, string>): number;
}

export async function scrapeMetrics(adminPort: number): Promise<Scrape> {
  const response = await admin(adminPort, 'GET', '/metrics');
  expect(response.status).toBe(200);
  expect(response.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = new Map(parsePrometheusTextFormat(response.text).map((f) => [f.name, f]));
  const sample = (name: string, labels: Record<string, string>) =>
    families
      .get(name)
      ?.metrics.find((each) =>
        Object.entries(labels).every(([key, value]) => each.labels?.[key] === value),
      );
  return {
    families,
    value: (name, labels = {}) => Number(sample(name, labels)?.value ?? 0),
    count: (name, labels = {}) => Number(sample(name, labels)?.count ?? 0),
  };
}
