import { join } from 'node:path';
import { configFromArgs } from './config.js';
import { BENCH_DIR } from './paths.js';
import { writeResults } from './results-file.js';
import { failures, runBench } from './runner.js';
import { renderReport } from './table.js';

// `pnpm bench -- --rounds 5` passes the `--` through: it separates nothing here.
const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const config = configFromArgs(argv, join(BENCH_DIR, 'RESULTS.md'));
const log = (line: string) => console.error(line);

log(
  `${config.quick ? 'Quick' : 'Full'} bench: ${config.systems.join(', ')}; ${config.rounds} round(s); ` +
    `fan-out ${config.fanout.subscribers} subs, RSS ${config.rss.devices} devices`,
);
const results = await runBench(config, log);
console.log(`\n${renderReport(results)}\n`);
if (config.quick) log('Quick mode checks integrity only: at these sizes the figures mean nothing.');
if (config.resultsPath) {
  const command = `pnpm --filter @confab/bench bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  await writeResults(config.resultsPath, results, command);
  log(`Wrote ${config.resultsPath}`);
}
log(`Done in ${(results.durationMs / 1000).toFixed(1)} s`);
process.exitCode = failures(results).length > 0 ? 1 : 0;
