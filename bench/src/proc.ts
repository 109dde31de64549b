import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (the unit of utime/stime in /proc/<pid>/stat). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time a process has used, in microseconds (all its threads). */
export async function procCpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 overall (utime, stime) are 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`Unreadable /proc/${pid}/stat`);
  return (ticks * 1e6) / ticksPerSecond();
}

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export async function procRssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** What RESULTS.md says about the machine. */
export function machineSummary(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `nproc ${availableParallelism()} (${model}), ${gib} GiB memory, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/**
 * Connections the kernel dropped since boot because a listen queue was full
 * (TcpExt ListenOverflows in /proc/net/netstat; all listeners of the machine).
 */
export async function listenOverflows(): Promise<number> {
  const lines = (await readFile('/proc/net/netstat', 'utf8')).split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const names = lines[i]?.split(' ') ?? [];
    if (names[0] !== 'TcpExt:') continue;
    const values = lines[i + 1]?.split(' ') ?? [];
    const at = names.indexOf('ListenOverflows');
    if (at > 0) return Number(values[at]);
  }
  return Number.NaN;
}

/** Open file descriptors of a process (sockets included). */
export async function procOpenFiles(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}
