import type { SystemName } from './config.js';
import { type BenchResults, DRIVERS, failures } from './runner.js';
import { spread } from './stats.js';
import type { MetricKey, WorkloadName } from './workloads/types.js';

interface Row {
  key: MetricKey;
  workload: WorkloadName;
  label: string;
  digits: number;
  /** Informational rows (how busy a process was) get no ratio. */
  ratio: boolean;
}

function rows(results: BenchResults): Row[] {
  const { fanout, cpu, latency, rss } = results.config;
  const paced = (w: { rate: number; subscribers: number }) =>
    `${w.rate} msg/s × ${w.subscribers} subs`;
  return [
    {
      key: 'deliveriesPerSec',
      workload: 'fanout',
      label: `Fan-out at saturation, delivered msgs/s (${fanout.subscribers} subs) ↑`,
      digits: 0,
      ratio: true,
    },
    {
      key: 'fanoutServerCpuPct',
      workload: 'fanout',
      label: '  server CPU during fan-out, % of a core',
      digits: 0,
      ratio: false,
    },
    {
      key: 'fanoutLoadgenCpuPct',
      workload: 'fanout',
      label: '  load generator CPU during fan-out, %',
      digits: 0,
      ratio: false,
    },
    {
      key: 'cpuUsPerDelivery',
      workload: 'cpu',
      label: `Server CPU per delivery, µs (${paced(cpu)}) ↓`,
      digits: 1,
      ratio: true,
    },
    {
      key: 'latencyP50Ms',
      workload: 'latency',
      label: `Latency p50, ms (${paced(latency)}) ↓`,
      digits: 1,
      ratio: true,
    },
    {
      key: 'latencyP95Ms',
      workload: 'latency',
      label: 'Latency p95, ms ↓',
      digits: 1,
      ratio: true,
    },
    {
      key: 'latencyP99Ms',
      workload: 'latency',
      label: 'Latency p99, ms ↓',
      digits: 1,
      ratio: true,
    },
    {
      key: 'rssKiBPerDevice',
      workload: 'rss',
      label: `RSS per idle device, KiB (${rss.devices} devices) ↓`,
      digits: 1,
      ratio: true,
    },
  ];
}

const format = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The median of a metric for a system over all rounds, or a reason there is none. */
function figure(
  results: BenchResults,
  system: SystemName,
  row: Row,
): { median: number; text: string } | { text: string } {
  const runs = results.records.filter((r) => r.system === system && r.workload === row.workload);
  if (runs.length === 0) return { text: '—' };
  if (runs.some((r) => r.result.failure)) return { text: 'INTEGRITY FAILED' };
  const values = runs.map((r) => r.result.metrics[row.key] ?? Number.NaN);
  const { median, min, max } = spread(values);
  const text =
    values.length === 1
      ? format(median, row.digits)
      : `${format(median, row.digits)} (${format(min, row.digits)}–${format(max, row.digits)})`;
  return { median, text };
}

/** Above this, the load generator (one core) rather than the server may set the fan-out figure. */
const LOADGEN_BOUND_PCT = 90;

function loadGeneratorBound(results: BenchResults, system: SystemName): boolean {
  const runs = results.records.filter((r) => r.system === system && r.workload === 'fanout');
  const pct = runs.map((r) => r.result.metrics.fanoutLoadgenCpuPct ?? 0);
  return runs.length > 0 && spread(pct).median >= LOADGEN_BOUND_PCT;
}

/**
 * A Markdown table: one row per figure, one column per system (median over rounds with min–max),
 * then Confab's ratio to each peer (Confab ÷ peer, of the medians).
 */
export function renderTable(results: BenchResults): string {
  const systems = results.config.systems;
  const peers = systems.filter((s) => s !== 'confab');
  const withRatios = systems.includes('confab');
  const header = [
    'Figure (median, min–max over rounds)',
    ...systems.map((s) => DRIVERS[s].label),
    ...(withRatios ? peers.map((p) => `Confab ÷ ${DRIVERS[p].label}`) : []),
  ];
  const lines = [header, header.map((_, i) => (i === 0 ? '---' : '---:'))];
  for (const row of rows(results)) {
    const figures = new Map(systems.map((s) => [s, figure(results, s, row)] as const));
    const cells = [
      row.label,
      ...systems.map((s) => {
        const text = figures.get(s)?.text ?? '—';
        return row.key === 'deliveriesPerSec' && loadGeneratorBound(results, s)
          ? `${text} †`
          : text;
      }),
    ];
    if (withRatios) {
      const confab = figures.get('confab');
      for (const peer of peers) {
        const other = figures.get(peer);
        const ok = row.ratio && confab && 'median' in confab && other && 'median' in other;
        cells.push(ok ? `${(confab.median / other.median).toFixed(2)}×` : '—');
      }
    }
    lines.push(cells);
  }
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The table plus the list of failed runs, if any. */
export function renderReport(results: BenchResults): string {
  const table = renderTable(results);
  const bound = table.includes(' †')
    ? `\n\n† The load generator used ≥${LOADGEN_BOUND_PCT}% of its core: this figure is a floor of what the server can deliver.`
    : '';
  const failed = failures(results);
  const notes =
    failed.length > 0 ? `\n\nFailed runs:\n${failed.map((f) => `- ${f}`).join('\n')}` : '';
  return `${table}${bound}${notes}`;
}
