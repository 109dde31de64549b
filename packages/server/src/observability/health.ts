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

/** `ping`, answered within `ms`; the error is handed to `failed`. */
async function probe(
  ping: (() => Promise<void>) | undefined,
  ms: number,
  failed: (error: unknown) => void,
): Promise<Verdict> {
  if (!ping) return 'ok';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<Verdict>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      ping().then(
        (): Verdict => 'ok',
        (error: unknown): Verdict => {
          failed(error);
          return 'unreachable';
        },
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
  const note = (part: 'database' | 'bus', verdict: Verdict, error?: unknown) => {
    const bad = verdict !== 'ok';
    if (bad && !failing[part])
      deps.log.warn({ err: error, check: part, verdict }, `readiness: ${part} ${verdict}`);
    else if (!bad && failing[part]) deps.log.info({ check: part }, `readiness: ${part} ok again`);
    failing[part] = bad;
  };
  return async function check(): Promise<Readiness> {
    let databaseError: unknown;
    let busError: unknown;
    const [database, bus] = await Promise.all([
      probe(deps.store.ping?.bind(deps.store), timeoutMs, (e) => {
        databaseError = e;
      }),
      probe(deps.bus.ping?.bind(deps.bus), timeoutMs, (e) => {
        busError = e;
      }),
    ]);
    note('database', database, databaseError);
    note('bus', bus, busError);
    const draining = deps.draining();
    return {
      ready: database === 'ok' && bus === 'ok' && !draining,
      checks: { database, bus, draining },
    };
  };
}
