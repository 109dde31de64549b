import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from './redis-server.js';

/** The reference configuration (deploy/nginx.conf): the tests render this very file. */
export const NGINX_TEMPLATE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../deploy/nginx.conf',
);

/**
 * Fills the template in: on each line that is not a comment, `{{listen}}` becomes `listen`,
 * and a line holding `{{upstream}}` is repeated once per upstream (`host:port`), keeping the
 * rest of the line (its parameters). scripts/cluster.sh applies the same rules.
 */
export function renderNginxConf(
  template: string,
  options: { listen: string; upstreams: readonly string[] },
): string {
  if (options.upstreams.length === 0) throw new Error('nginx needs at least one upstream');
  const lines = template.split('\n').flatMap((line) => {
    if (line.trimStart().startsWith('#')) return [line];
    const filled = line.includes('{{upstream}}')
      ? options.upstreams.map((upstream) => line.replaceAll('{{upstream}}', upstream))
      : [line.replaceAll('{{listen}}', options.listen)];
    const left = filled.map((l) => /\{\{\w+\}\}/.exec(l)?.[0]).find(Boolean);
    if (left) throw new Error(`deploy/nginx.conf has a placeholder nobody fills: ${left}`);
    return filled;
  });
  return lines.join('\n');
}

/** nginx running from the reference configuration, in a prefix directory of its own. */
export interface TestNginx {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** nginx's error log so far (for a failing test's message). */
  errorLog(): string;
  /** Stops nginx at once (SIGTERM: open connections are cut) and removes its directory. */
  stop(): Promise<void>;
}

/** Failure guard only: nginx on loopback answers within milliseconds. */
const START_GUARD_MS = 10_000;

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH. */
function nginxBinary(): string {
  return existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface NginxOptions {
  /** `host:port` of each node. */
  upstreams: readonly string[];
  /**
   * Tests only: nginx takes the client's address from this request header (its realip module,
   * trusted from loopback), so that a test on loopback can be many clients, IPv6 ones too. The
   * rest of the configuration is deploy/nginx.conf as it is.
   */
  clientAddressHeader?: string;
}

/** The rendered configuration, with the test's client-address header when it asks for one. */
function testConf(port: number, options: NginxOptions): string {
  const rendered = renderNginxConf(readFileSync(NGINX_TEMPLATE, 'utf8'), {
    listen: `127.0.0.1:${port}`,
    upstreams: options.upstreams,
  });
  const header = options.clientAddressHeader;
  if (header === undefined) return rendered;
  const withHeader = rendered.replace(
    /^http \{$/m,
    `http {\n    set_real_ip_from 127.0.0.1;\n    real_ip_header ${header};`,
  );
  if (withHeader === rendered) throw new Error('deploy/nginx.conf has no `http {` line');
  return withHeader;
}

/** Starts nginx on `port`; rejects if it exits first (the port was taken, a bad config). */
async function spawnNginx(prefix: string, port: number, options: NginxOptions) {
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, testConf(port, options));
  const startupLog = join(prefix, 'logs/startup.log');
  const child = spawn(
    nginxBinary(),
    ['-c', conf, '-p', `${prefix}/`, '-e', startupLog, '-g', 'daemon off;'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = once(child, 'exit').then(([code, signal]) => {
    const log = existsSync(startupLog) ? readFileSync(startupLog, 'utf8') : '';
    throw new Error(`nginx on port ${port} exited (${code ?? signal}):\n${output}${log}`);
  });
  const spawnFailed = once(child, 'error').then(([error]) => {
    throw (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error('nginx is not installed (scripts/test.sh installs it: ensure_nginx)')
      : error;
  });
  // Either may settle after the race is decided: only the race reports them.
  exited.catch(() => {});
  spawnFailed.catch(() => {});
  const deadline = Date.now() + START_GUARD_MS;
  const answers = (async () => {
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error(`nginx not listening in ${START_GUARD_MS} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await Promise.race([answers, exited, spawnFailed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

/**
 * Starts nginx from deploy/nginx.conf in front of `upstreams` (`host:port` each), on a free
 * loopback port, in the foreground, with its pid file, logs and temp paths in a directory of its
 * own (so it runs as any user). Resolves once it accepts connections.
 */
export async function startNginx(options: NginxOptions): Promise<TestNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'confab-nginx-'));
  // Run as root, nginx's workers become `nobody`: they must be able to enter the prefix.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'logs'));
  mkdirSync(join(prefix, 'temp'));
  let port = 0;
  let child: ChildProcess | undefined;
  // The port was free when chosen; another process may bind it first: try another.
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freeLoopbackPort();
    try {
      child = await spawnNginx(prefix, port, options);
    } catch (error) {
      if (attempt >= 2) {
        rmSync(prefix, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const started = child;
  const errorLogPath = join(prefix, 'logs/error.log');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child: started,
    errorLog: () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : ''),
    async stop() {
      if (started.exitCode === null && started.signalCode === null) {
        const exited = once(started, 'exit');
        started.kill('SIGTERM');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
