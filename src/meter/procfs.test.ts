import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FsReader, rootedReader } from './fs-reader.js';
import { parseAuxv, parseMeminfo, parseProcStat, parseStatmResidentPages, parseSystemStat } from './procfs-parse.js';
import { MachineSampler, ProcessTreeSampler, detectKernelUnits, waitedChildrenCpuS } from './procfs.js';
import type { SamplerContext } from './sampler.js';

const FIX = join(import.meta.dirname, '../../test/fixtures/procfs');
const units = { clkTck: 100, pageSize: 4096, source: 'default' as const };

/** A reader whose "/" moves from one fixture snapshot to the next, like the kernel between two ticks. */
function ticking(...dirs: string[]): { reader: FsReader; next: () => void; lists: string[] } {
  const readers = dirs.map((d) => rootedReader(join(FIX, d)));
  let i = 0;
  const lists: string[] = [];
  const cur = (): FsReader => readers[i] as FsReader;
  return {
    reader: {
      readText: (p) => cur().readText(p),
      readHot: (p) => cur().readText(p),
      release: () => {},
      readBytes: (p) => cur().readBytes(p),
      list: (p) => {
        lists.push(p);
        return cur().list(p);
      },
      exists: (p) => cur().exists(p),
      writable: () => false,
      resolve: (p) => cur().resolve(p),
    },
    next: () => {
      i++;
    },
    lists,
  };
}

const ctx = (rootPid: number): SamplerContext => ({ rootPid, childEnv: {}, treePids: () => [rootPid], now: () => 0 });

describe('parseProcStat', () => {
  it('reads the fields after the last ")" whatever the name holds', () => {
    const weird = parseProcStat('101 (my (weird) proc) R 100 100 1 0 -1 0 0 0 0 0 300 50 7 8 20 0 1 0 1010 0 0');
    expect(weird).toMatchObject({ pid: 101, comm: 'my (weird) proc', state: 'R', ppid: 100, utime: 300, stime: 50, cutime: 7, cstime: 8, starttime: 1010 });
    const evil = parseProcStat('104 () R 1 () S 102 102 1 0 -1 0 0 0 0 0 10 0 0 0 20 0 1 0 1040 0 0');
    expect(evil).toMatchObject({ comm: ') R 1 (', state: 'S', ppid: 102, utime: 10, starttime: 1040 });
  });

  it('reads the fixture processes, a zombie included', () => {
    const r = rootedReader(join(FIX, 'tick-0'));
    expect(parseProcStat(r.readText('/proc/102/stat'))).toMatchObject({ comm: 'name with space', ppid: 101 });
    expect(parseProcStat(r.readText('/proc/103/stat'))).toMatchObject({ state: 'Z', utime: 40, stime: 10 });
  });

  it('rejects truncated lines instead of returning garbage', () => {
    expect(parseProcStat('42 (x) S 1 2 3')).toBeNull();
    expect(parseProcStat('no parentheses here')).toBeNull();
  });

  it('decodes UTF-8 names read as latin1', () => {
    const text = Buffer.from('7 (caf\u00e9 \u{1F525}) S 1 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 99 0 0', 'utf8').toString('latin1');
    expect(parseProcStat(text)?.comm).toBe('caf\u00e9 \u{1F525}');
  });
});

describe('/proc/stat, meminfo, statm, auxv', () => {
  it('computes busy = total - idle - iowait without adding guest time', () => {
    const s = parseSystemStat(rootedReader(join(FIX, 'tick-0')).readText('/proc/stat'));
    // user 10000 nice 100 system 2000 idle 50000 iowait 500 irq 0 softirq 100 steal 0 (guest 300 left out)
    expect(s).toEqual({ total: 62700, idle: 50000, iowait: 500, busy: 12200, logicalCpus: 4 });
  });

  it('reads meminfo in bytes', () => {
    const m = parseMeminfo(rootedReader(join(FIX, 'tick-0')).readText('/proc/meminfo'));
    expect(m['MemTotal']).toBe(16318376 * 1024);
    expect(m['MemAvailable']).toBe(12000000 * 1024);
    expect(m['HugePages_Total']).toBe(0);
  });

  it('reads resident pages from statm', () => {
    expect(parseStatmResidentPages('4000 1000 100 10 0 50 0\n')).toBe(1000);
  });

  it('finds AT_CLKTCK and AT_PAGESZ in an aux vector', () => {
    const words = [6n, 16384n, 17n, 100n, 0n, 0n];
    const buf = Buffer.alloc(words.length * 8);
    words.forEach((w, i) => buf.writeBigUInt64LE(w, i * 8));
    expect(parseAuxv(buf)).toEqual({ clkTck: 100, pageSize: 16384 });
  });

  it('takes CLK_TCK from this process\'s own aux vector on Linux', () => {
    const u = detectKernelUnits(rootedReader('/'));
    expect(u.source).toBe('auxv');
    expect(u.clkTck).toBeGreaterThan(0);
    expect(u.pageSize % 4096).toBe(0);
  });

  it('falls back to 100 and 4096 without /proc/self/auxv', () => {
    expect(detectKernelUnits(rootedReader(join(FIX, 'tick-0')))).toEqual({ clkTck: 100, pageSize: 4096, source: 'default' });
  });
});

describe('ProcessTreeSampler on fixtures', () => {
  it('follows the tree across ticks: reaped children, reparented orphans, new children, PID reuse', async () => {
    const t = ticking('tick-0', 'tick-1', 'tick-2');
    const s = new ProcessTreeSampler({ reader: t.reader, units, now: () => 0 });
    await s.start(ctx(100));
    const r0 = s.read();
    expect(r0.pids.sort()).toEqual([100, 101, 102, 103, 104]);
    // 600 + 350 + 150 + 50 (zombie) + 10 ticks
    expect(r0.cpuS).toBeCloseTo(11.6, 9);
    // zombies hold no memory: 100, 101, 102, 104 resident pages x 4096
    expect(r0.rssBytes).toBe((25600 + 2560 + 1280 + 256) * 4096);
    expect(r0.rootExited).toBe(false);
    expect(s.status().discovery).toBe('proc-scan');

    t.next();
    const r1 = s.read();
    // 101 ran 50 more ticks and reaped 102, whose whole 180 ticks moved into 101's cutime+cstime:
    // 150 of them were counted already. 104, reparented to init, stays in the tree; 105 joins
    // under it; 106 (under sshd) does not.
    expect(r1.pids.sort()).toEqual([100, 101, 103, 104, 105]);
    expect(r1.cpuS).toBeCloseTo(11.6 + (100 + (50 + 180) - 150 + 10 + 5) / 100, 9);

    t.next();
    const r2 = s.read();
    // 105 exited (reaped by 104, cutime +7); PID 105 now belongs to an unrelated process.
    expect(r2.pids.sort()).toEqual([100, 101, 103, 104]);
    expect(r2.cpuS).toBeCloseTo(13.55 + (10 + 7 - 5) / 100, 9);
    expect(r2.cpuSource).toBe('procfs');
  });

  it('uses /proc/<pid>/task/<tid>/children when the kernel has them, without scanning /proc', async () => {
    const t = ticking('children');
    const s = new ProcessTreeSampler({ reader: t.reader, units, now: () => 0 });
    await s.start(ctx(100));
    const r = s.read();
    expect(r.pids.sort()).toEqual([100, 101, 102, 103, 104]);
    expect(s.status().discovery).toBe('children-files');
    expect(t.lists).not.toContain('/proc');
  });

  it('reports an exited root', async () => {
    const t = ticking('tick-0');
    const s = new ProcessTreeSampler({ reader: t.reader, units, now: () => 0 });
    await s.start(ctx(4242));
    const r = s.read();
    expect(r.rootExited).toBe(true);
    expect(r.pids).toEqual([]);
    expect(r.cpuS).toBe(0);
  });

  it('probes /proc and says so when it cannot be read', async () => {
    const missing = new ProcessTreeSampler({ reader: rootedReader(join(FIX, 'does-not-exist')), units });
    const p = await missing.probe();
    expect(p.available).toBe(false);
    if (!p.available) expect(p.reason).toMatch(/\/proc cannot be read/);
    expect((await new ProcessTreeSampler({ units }).probe()).available).toBe(true);
  });
});

describe('MachineSampler', () => {
  it('reads cumulative CPU seconds and memory', () => {
    const m = new MachineSampler({ reader: rootedReader(join(FIX, 'tick-1')), units, now: () => 5 });
    expect(m.read()).toEqual({ kind: 'machine', t: 5, totalS: 632, busyS: 126, logicalCpus: 4, memTotalBytes: 16318376 * 1024, memAvailableBytes: 12000000 * 1024 });
  });
});

describe('waitedChildrenCpuS', () => {
  it('is greenml\'s own cutime+cstime', () => {
    const v = waitedChildrenCpuS();
    expect(v).not.toBeNull();
    expect(v as number).toBeGreaterThanOrEqual(0);
  });
});
