import { rawRequest } from './raw.js';

/** The token the tests that read /metrics start their server with (`metricsToken`). */
export const TEST_METRICS_TOKEN = 'metrics-token-for-the-test';

/**
 * The value of one series of the server's /metrics (0 when absent), scraped from
 * `localAddress`: a test whose own address has spent a per-address budget reads from another.
 */
export async function metricValue(
  url: string,
  series: string,
  localAddress = '127.0.0.3',
): Promise<number> {
  const answer = await rawRequest(url, {
    path: '/metrics',
    headers: { Authorization: `Bearer ${TEST_METRICS_TOKEN}` },
    localAddress,
  });
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  const line = answer.body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
