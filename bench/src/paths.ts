import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench package's folder. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** A server script under src/servers. */
export const serverScript = (name: string): string =>
  join(BENCH_DIR, 'src', 'servers', `${name}.ts`);
