import { serialSuite } from './fixtures/serial-suite';

/**
 * The cluster suite: Chromium against API processes on PostgreSQL and Redis behind nginx, a
 * cluster per test (cluster/cluster.ts; the built apps/api and apps/web, as for the main suite).
 * Run after it: `playwright test -c cluster.config.ts`. A cluster is three processes and nginx,
 * and the tests kill some: one test at a time.
 */
export default serialSuite({ testDir: './cluster', project: 'chromium-cluster' });
