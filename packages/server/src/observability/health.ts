import type { Logger } from './logger.js';

/** What /readyz looks at. */
export interface ReadinessDeps {
  store: { ping?(): Promise<void> };
  bus: { ping?(): Promise<void> };
  /** The server is draining (it takes no new streams; a balancer should stop sending). */
  draining(): boolean;
  log: Logger;
  /** Each ping's bound. @default 2000 */
  timeoutMs?: number;
}

/** One check's verdict: "ok", or why not (never the underlying error: /readyz is public). */
type Verdict = 'ok' | 'unreachable' | 'timeout';

export interface Readiness {
  ready: boolean;
  checks: { database: Verdict; bus: Verdict; draining: boolean };
}

interface Probed {
  verdict: Verdict;
  /** Why it is unreachable. */
  error?: unknown;
}

/** `ping`, answered within `ms`. */
async function probe(ping: (() => Promise<void>) | undefined, ms: number): Promise<Probed> {
  if (!ping) return { verdict: 'ok' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Probed>((resolve) => {
    timer = setTimeout(() => resolve({ verdict: 'timeout' }), ms);
  });
  try {
    return await Promise.race([
      ping().then(
        (): Probed => ({ verdict: 'ok' }),
        (error: unknown): Probed => ({ verdict: 'unreachable', error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness: the database and the bus answer, and the server is not draining. A check that
 * turns bad is logged once with its cause (until it is good again), not once per probe: a
 * balancer probes every few seconds.
 */
export function createReadiness(deps: ReadinessDeps) {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const failing = { database: false, bus: false };
  const note = (part: 'database' | 'bus', { verdict, error }: Probed): Verdict => {
    const bad = verdict !== 'ok';
    if (bad && !failing[part])
      deps.log.warn({ err: error, check: part, verdict }, `readiness: ${part} ${verdict}`);
    else if (!bad && failing[part]) deps.log.info({ check: part }, `readiness: ${part} ok again`);
    failing[part] = bad;
    return verdict;
  };
  return async function check(): Promise<Readiness> {
    const [databaseProbe, busProbe] = await Promise.all([
      probe(deps.store.ping?.bind(deps.store), timeoutMs),
      probe(deps.bus.ping?.bind(deps.bus), timeoutMs),
    ]);
    const database = note('database', databaseProbe);
    const bus = note('bus', busProbe);
    const draining = deps.draining();
    return {
      ready: database === 'ok' && bus === 'ok' && !draining,
      checks: { database, bus, draining },
    };
  };
}
