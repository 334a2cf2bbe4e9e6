/**
 * A cgroup v2 of the run's own, when the machine lets greenml make one: the kernel then counts the
 * CPU of every process of the tree, including short-lived and double-forked ones that /proc
 * scanning can miss (shared/research/measurement.md 10.1). cpu.stat's usage_usec exists in every
 * v2 cgroup whether or not the cpu controller is enabled (Documentation/admin-guide/cgroup-v2.rst,
 * "Core interface files"); memory.current/memory.peak need the memory controller enabled in the
 * parent's cgroup.subtree_control, which the "no internal processes" rule forbids in a non-root
 * cgroup that holds greenml itself, so memory usually comes from /proc RSS instead.
 */
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { type FsReader, errnoOf, messageOf, readTextOrNull } from './fs-reader.js';
import { type ProbeResult, available, unavailable } from './sampler.js';

export interface CgroupSupport {
  /** Where the cgroup2 hierarchy is mounted, e.g. /sys/fs/cgroup or /sys/fs/cgroup/unified (hybrid). */
  mount: string;
  /** greenml's own cgroup directory: the run's cgroup is created inside it. */
  base: string;
  /** Controllers the run's cgroup will get (the base's cgroup.subtree_control). */
  controllers: string[];
}

interface MountInfoEntry {
  mountPoint: string;
  root: string;
  fsType: string;
}

/** /proc/self/mountinfo lines: "id parent maj:min root mountpoint opts [optional...] - fstype source superopts". */
export function parseMountinfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    const dash = parts.indexOf('-');
    if (dash < 6) continue;
    const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ root: unescape(parts[3] ?? ''), mountPoint: unescape(parts[4] ?? ''), fsType: parts[dash + 1] ?? '' });
  }
  return out;
}

/** The v2 path in /proc/<pid>/cgroup ("0::/user.slice/..."), or null in a v1-only setup. */
export function parseUnifiedCgroupPath(text: string): string | null {
  for (const line of text.split('\n')) if (line.startsWith('0::')) return line.slice(3).trim() || '/';
  return null;
}

const joinCg = (a: string, b: string): string => (b === '/' ? a : `${a.replace(/\/$/, '')}/${b.replace(/^\//, '')}`);

export function probeCgroup(reader: FsReader): { result: ProbeResult; support: CgroupSupport | null } {
  const mountinfo = readTextOrNull(reader, '/proc/self/mountinfo');
  const own = readTextOrNull(reader, '/proc/self/cgroup');
  if (mountinfo === null || own === null) return { result: unavailable('/proc/self/mountinfo or /proc/self/cgroup cannot be read'), support: null };
  const mounts = parseMountinfo(mountinfo).filter((m) => m.fsType === 'cgroup2');
  const ownPath = parseUnifiedCgroupPath(own);
  const mount = mounts.find((m) => m.mountPoint === '/sys/fs/cgroup') ?? mounts[0];
  if (!mount || ownPath === null) {
    return {
      result: unavailable('no cgroup v2 hierarchy is mounted (cgroup v1 only): CPU time comes from /proc', 'boot with systemd.unified_cgroup_hierarchy=1 (or a distribution from 2021 or later, which defaults to cgroup v2)'),
      support: null,
    };
  }
  if (!ownPath.startsWith(mount.root)) return { result: unavailable(`greenml's cgroup ${ownPath} is outside the mounted cgroup2 tree (${mount.root})`), support: null };
  const base = joinCg(mount.mountPoint, ownPath.slice(mount.root.length) || '/');
  if (!reader.exists(`${base}/cgroup.procs`)) return { result: unavailable(`greenml's cgroup directory ${base} is not visible`), support: null };
  if (!reader.writable(base)) {
    return {
      result: unavailable(
        `greenml's cgroup ${base} is not writable by this user (not delegated): CPU time comes from /proc`,
        'run greenml in a delegated scope, e.g. systemd-run --user --scope -p Delegate=yes greenml run -- <command>',
      ),
      support: null,
    };
  }
  const controllers = (readTextOrNull(reader, `${base}/cgroup.subtree_control`) ?? '').trim().split(/\s+/).filter(Boolean);
  const hybrid = mount.mountPoint !== '/sys/fs/cgroup';
  return {
    result: available({ mount: mount.mountPoint, cgroup: base, hybrid, controllers, memory: controllers.includes('memory') }),
    support: { mount: mount.mountPoint, base, controllers },
  };
}

export interface CgroupReading {
  path: string;
  usageUsec: number;
  memoryCurrentBytes: number | null;
  memoryPeakBytes: number | null;
  pids: number[];
}

const statValue = (text: string, key: string): number | null => {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};
const numberOrNull = (text: string | null): number | null => {
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
};

/** The run's own cgroup: created, joined by the child, read each tick, removed at the end. */
export class RunCgroup {
  private removed = false;
  /** memory.current / memory.peak exist only with the memory controller (and peak since Linux 5.19). */
  private readonly memoryFiles: { current: boolean; peak: boolean };

  private constructor(
    private readonly reader: FsReader,
    readonly path: string,
    private readonly base: string,
  ) {
    this.memoryFiles = { current: reader.exists(`${path}/memory.current`), peak: reader.exists(`${path}/memory.peak`) };
  }

  /** Creates `<base>/<name>`; throws with the errno when the kernel refuses. */
  static create(reader: FsReader, support: CgroupSupport, name: string): RunCgroup {
    const path = `${support.base.replace(/\/$/, '')}/${name}`;
    mkdirSync(reader.resolve(path));
    return new RunCgroup(reader, path, support.base);
  }

  /** Moves a process (all its threads) into the cgroup. */
  addPid(pid: number): void {
    writeFileSync(this.reader.resolve(`${this.path}/cgroup.procs`), String(pid));
  }

  read(): CgroupReading {
    const stat = this.reader.readHot(`${this.path}/cpu.stat`);
    const usageUsec = statValue(stat, 'usage_usec');
    if (usageUsec === null) throw new Error(`${this.path}/cpu.stat has no usage_usec`);
    return {
      path: this.path,
      usageUsec,
      memoryCurrentBytes: this.memoryFiles.current ? numberOrNull(readTextOrNull(this.reader, `${this.path}/memory.current`, true)) : null,
      memoryPeakBytes: this.memoryFiles.peak ? numberOrNull(readTextOrNull(this.reader, `${this.path}/memory.peak`, true)) : null,
      pids: this.pids(),
    };
  }

  pids(): number[] {
    return (readTextOrNull(this.reader, `${this.path}/cgroup.procs`, true) ?? '').split('\n').filter(Boolean).map(Number);
  }

  /**
   * Removes the cgroup. Processes the workload left running (daemons) are moved back to greenml's
   * cgroup first, because a cgroup with members cannot be removed. Returns how many were moved.
   */
  remove(): { leftovers: number; error: string | null } {
    if (this.removed) return { leftovers: 0, error: null };
    // Files kept open in the cgroup would not stop rmdir, but they would outlive it.
    this.reader.release();
    let leftovers = 0;
    try {
      for (const pid of this.pids()) {
        try {
          writeFileSync(this.reader.resolve(`${this.base}/cgroup.procs`), String(pid));
          leftovers++;
        } catch (e) {
          if (errnoOf(e) !== 'ESRCH') throw e;
        }
      }
      rmdirSync(this.reader.resolve(this.path));
      this.removed = true;
      return { leftovers, error: null };
    } catch (e) {
      return { leftovers, error: `could not remove ${this.path}: ${messageOf(e)}` };
    }
  }
}
