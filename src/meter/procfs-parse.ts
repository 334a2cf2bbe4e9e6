/**
 * Parsers for the /proc files the meter reads (proc(5), Linux man-pages 6.x). Pure functions of
 * the file text so they can be tested on awkward inputs.
 */

export interface ProcStat {
  pid: number;
  /** Command name (comm): up to 15 bytes, may hold spaces and parentheses. */
  comm: string;
  /** R, S, D, Z (zombie), T, t, X, I... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Foreground process group of the controlling terminal, -1 when there is none. */
  tpgid: number;
  ttyNr: number;
  /** Clock ticks (USER_HZ). */
  utime: number;
  stime: number;
  /** Ticks of waited-for children (reaped descendants). */
  cutime: number;
  cstime: number;
  /** Ticks after boot when the process started: with the pid, identifies a process across PID reuse. */
  starttime: number;
}

/**
 * Parses /proc/<pid>/stat. The name sits between the first "(" and the *last* ")": a process may
 * call itself "my (weird) proc" or ") R 1 (", so splitting on spaces or on the first ")" misreads
 * every field after it (the mistake psutil and others made early on).
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 1).trim().split(/\s+/);
  // f[0] is field 3 (state); field n is f[n - 3].
  const field = (n: number): number => Number(f[n - 3]);
  if (f.length < 20 || !Number.isInteger(pid)) return null;
  const stat: ProcStat = {
    pid,
    comm: Buffer.from(text.slice(open + 1, close), 'latin1').toString('utf8'),
    state: f[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    ttyNr: field(7),
    tpgid: field(8),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    starttime: field(22),
  };
  for (const v of [stat.ppid, stat.utime, stat.stime, stat.cutime, stat.cstime, stat.starttime]) if (!Number.isFinite(v)) return null;
  return stat;
}

/** Resident pages from /proc/<pid>/statm (second field). */
export function parseStatmResidentPages(text: string): number | null {
  const resident = Number(text.trim().split(/\s+/)[1]);
  return Number.isFinite(resident) ? resident : null;
}

export interface SystemCpuTicks {
  /** user+nice+system+idle+iowait+irq+softirq+steal, ticks. */
  total: number;
  idle: number;
  iowait: number;
  /** total - idle - iowait. */
  busy: number;
  /** Number of "cpuN" lines: the online logical CPUs. */
  logicalCpus: number;
}

/**
 * The aggregate "cpu" line of /proc/stat. guest and guest_nice are left out of the total because
 * the kernel already counts them inside user and nice (proc(5)); adding them double counts, as
 * Scaphandre does (shared/research/measurement.md 8.2). busy = total - idle - iowait (Kepler).
 */
export function parseSystemStat(text: string): SystemCpuTicks | null {
  // Runs every tick: parse the first line only and count the per-CPU lines by their prefix.
  if (!text.startsWith('cpu ')) return null;
  const eol = text.indexOf('\n');
  const agg = text.slice(4, eol < 0 ? undefined : eol).trim().split(/\s+/).map(Number);
  if (agg.length < 4) return null;
  let logicalCpus = 0;
  for (let i = text.indexOf('\ncpu'); i >= 0; i = text.indexOf('\ncpu', i + 4)) {
    const c = text.charCodeAt(i + 4);
    if (c >= 48 && c <= 57) logicalCpus++;
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = agg;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  if (!Number.isFinite(total)) return null;
  return { total, idle, iowait, busy: total - idle - iowait, logicalCpus };
}

/** One /proc/meminfo field in bytes ("kB" means KiB), or null: cheaper than parsing the whole file each tick. */
export function meminfoField(text: string, key: string): number | null {
  const at = text.startsWith(`${key}:`) ? 0 : text.indexOf(`\n${key}:`);
  if (at < 0) return null;
  const start = at === 0 ? key.length + 1 : at + key.length + 2;
  const eol = text.indexOf('\n', start);
  const line = text.slice(start, eol < 0 ? undefined : eol).trim();
  const n = parseInt(line, 10);
  if (!Number.isFinite(n)) return null;
  return line.endsWith('kB') ? n * 1024 : n;
}

/** /proc/meminfo values in bytes (the file says "kB" and means KiB). */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]) * (line.trimEnd().endsWith('kB') ? 1024 : 1);
  }
  return out;
}

/** AT_CLKTCK and AT_PAGESZ from /proc/self/auxv (64-bit little- or big-endian words). */
export function parseAuxv(bytes: Buffer, littleEndian = true): { clkTck: number | null; pageSize: number | null } {
  let clkTck: number | null = null;
  let pageSize: number | null = null;
  for (let i = 0; i + 16 <= bytes.length; i += 16) {
    const key = littleEndian ? bytes.readBigUInt64LE(i) : bytes.readBigUInt64BE(i);
    const value = Number(littleEndian ? bytes.readBigUInt64LE(i + 8) : bytes.readBigUInt64BE(i + 8));
    if (key === 0n) break; // AT_NULL ends the vector
    if (key === 17n) clkTck = value; // AT_CLKTCK (elf.h)
    if (key === 6n) pageSize = value; // AT_PAGESZ (elf.h)
  }
  return { clkTck, pageSize };
}
