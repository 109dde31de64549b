import { readFile, writeFile } from 'node:fs/promises';
import { machineSummary } from './proc.js';
import type { BenchResults } from './runner.js';
import { renderReport } from './table.js';

function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * The sections (`## ...`) after the table of the file already at `path`: results written there
 * by other runs (the cluster workloads, the deflate measurement), which a full run keeps.
 */
async function keptSections(path: string): Promise<string> {
  const old = await readFile(path, 'utf8').catch(() => '');
  const at = old.search(/^## /m);
  return at < 0 ? '' : `\n${old.slice(at).trimEnd()}\n`;
}

/** RESULTS.md: when, on what, how, and the table; then the sections the file had below it. */
export async function writeResults(
  path: string,
  results: BenchResults,
  command: string,
): Promise<void> {
  const { config } = results;
  const text = `# Benchmark results

- Date: ${results.startedAt.toISOString()}
- Machine: ${machineSummary()}
- Command: \`${command}\` (${config.rounds} rounds, systems interleaved in each round; ${minutes(results.durationMs)})
- Load average (1 min): ${results.loadAverage.start.toFixed(2)} at the start, ${results.loadAverage.end.toFixed(2)} at the end (the bench itself keeps about 2 busy; more means other work shared the cores)
- Message body: ${config.bodyChars} characters (a peer's JSON message is ~200 bytes; Confab's event carries its own ids and envelope)

${renderReport(results)}

How to read it: each figure is the median over rounds, with the lowest and highest round in
brackets. ↑ higher is better, ↓ lower is better. A ratio is Confab's median divided by the
peer's: for deliveries/s below 1 means Confab is slower; for CPU, latency and memory above 1
means Confab costs more. "INTEGRITY FAILED" replaces a figure when any round lost, repeated or
reordered a message (see bench/README.md).
${await keptSections(path)}`;
  await writeFile(path, text);
}
