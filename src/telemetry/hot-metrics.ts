import type { Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

interface MetricValue {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/** The shape prom-client's registry reads from a metric at scrape time. */
export interface MetricSnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: MetricValue[];
}

export interface CounterCell {
  n: number;
}

export interface HistogramCell {
  /** Per-bucket (not cumulative) counts; the last slot is above the highest bucket. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface HotMetricConfig {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

/**
 * Counters and histograms whose hot path is plain arithmetic on a cell looked up once per label
 * set; the registry reads them at scrape time. prom-client's own `labels().inc()` hashes the
 * labels on every call and `observe` more, which is measurable at the scale of one check.
 */
abstract class HotMetric<Cell> {
  readonly #cells = new Map<string, { labels: Labels; cell: Cell }>();
  protected readonly config: HotMetricConfig;

  constructor(registry: Registry, config: HotMetricConfig) {
    this.config = config;
    registry.registerMetric(this as never);
  }

  get name(): string {
    return this.config.name;
  }

  /** The cell for these label values, in `labelNames` order (from closed sets only). */
  cell(...values: string[]): Cell {
    const key = values.join('\u0001');
    let entry = this.#cells.get(key);
    if (entry === undefined) {
      const labels = Object.fromEntries(
        this.config.labelNames.map((name, i) => [name, values[i]!]),
      );
      entry = { labels, cell: this.newCell() };
      this.#cells.set(key, entry);
    }
    return entry.cell;
  }

  async get(): Promise<MetricSnapshot> {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.#cells.values()) values.push(...this.values(labels, cell));
    return { name: this.name, help: this.config.help, type: this.type, aggregator: 'sum', values };
  }

  reset(): void {
    this.#cells.clear();
  }

  protected abstract readonly type: MetricSnapshot['type'];
  protected abstract newCell(): Cell;
  protected abstract values(labels: Labels, cell: Cell): MetricValue[];
}

export class HotCounter extends HotMetric<CounterCell> {
  protected readonly type = 'counter';

  protected newCell(): CounterCell {
    return { n: 0 };
  }

  protected values(labels: Labels, cell: CounterCell): MetricValue[] {
    return [{ labels, value: cell.n }];
  }
}

export class HotHistogram extends HotMetric<HistogramCell> {
  protected readonly type = 'histogram';

  readonly #buckets: readonly number[];

  constructor(
    registry: Registry,
    config: HotMetricConfig & { readonly buckets: readonly number[] },
  ) {
    super(registry, config);
    this.#buckets = config.buckets;
  }

  observe(cell: HistogramCell, value: number): void {
    let i = 0;
    while (i < this.#buckets.length && value > this.#buckets[i]!) i++;
    cell.counts[i]! += 1;
    cell.sum += value;
    cell.count += 1;
  }

  protected newCell(): HistogramCell {
    return { counts: new Float64Array(this.#buckets.length + 1), sum: 0, count: 0 };
  }

  protected values(labels: Labels, cell: HistogramCell): MetricValue[] {
    const name = this.name;
    let cumulative = 0;
    const buckets = this.#buckets.map((le, i) => {
      cumulative += cell.counts[i]!;
      return {
        labels: { ...labels, le: String(le) },
        value: cumulative,
        metricName: `${name}_bucket`,
      };
    });
    return [
      ...buckets,
      { labels: { ...labels, le: '+Inf' }, value: cell.count, metricName: `${name}_bucket` },
      { labels, value: cell.sum, metricName: `${name}_sum` },
      { labels, value: cell.count, metricName: `${name}_count` },
    ];
  }
}
