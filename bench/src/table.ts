import type { SystemName } from './config.js';
import { type BenchResults, DRIVERS, failures, WORKLOADS } from './runner.js';
import { spread } from './stats.js';
import type { Metric } from './workloads/types.js';

interface Row extends Metric {
  workload: string;
}

const rows = (): Row[] =>
  WORKLOADS.flatMap((w) => w.metrics.map((m) => ({ ...m, workload: w.name })));

const format = (value: number, digits: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A figure's text, and its median when there is one. */
interface Figure {
  median?: number;
  text: string;
}

/** The median of `key` of `workload` for a system over all rounds, or a reason there is none. */
function figure(
  results: BenchResults,
  system: SystemName,
  workload: string,
  key: string,
  digits: number,
): Figure {
  const runs = results.records.filter((r) => r.system === system && r.workload === workload);
  if (runs.length === 0) return { text: '—' };
  if (runs.some((r) => r.result.failure)) return { text: 'INTEGRITY FAILED' };
  const values = runs.map((r) => r.result.metrics[key] ?? Number.NaN);
  if (values.every(Number.isNaN)) return { text: '—' };
  const { median, min, max } = spread(values);
  const text =
    values.length === 1
      ? format(median, digits)
      : `${format(median, digits)} (${format(min, digits)}–${format(max, digits)})`;
  return { median, text };
}

/** Above this, the load generator (one core) rather than the server may set the figure. */
const LOADGEN_BOUND_PCT = 90;

function loadGeneratorBound(results: BenchResults, system: SystemName, row: Row): boolean {
  if (!row.loadgenCpuKey) return false;
  const cpu = figure(results, system, row.workload, row.loadgenCpuKey, 0);
  return cpu.median !== undefined && cpu.median >= LOADGEN_BOUND_PCT;
}

/**
 * A Markdown table: one row per figure, one column per system (median over rounds with min–max),
 * then Confab's ratio to each peer (Confab ÷ peer, of the medians). Rows no system ran are left
 * out.
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
  for (const row of rows()) {
    const figures = new Map(
      systems.map((s) => [s, figure(results, s, row.workload, row.key, row.digits)] as const),
    );
    if ([...figures.values()].every((f) => f.text === '—')) continue;
    const cells = [
      row.label(results.config),
      ...systems.map((s) => {
        const text = figures.get(s)?.text ?? '—';
        return loadGeneratorBound(results, s, row) ? `${text} †` : text;
      }),
    ];
    if (withRatios) {
      const confab = figures.get('confab');
      for (const peer of peers) {
        const other: Figure | undefined = row.peerMetric
          ? figure(results, peer, row.peerMetric.workload, row.peerMetric.key, row.digits)
          : figures.get(peer);
        const ratio =
          row.ratio && confab?.median !== undefined && other?.median !== undefined
            ? confab.median / other.median
            : undefined;
        cells.push(ratio === undefined ? '—' : `${ratio.toFixed(2)}×`);
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
