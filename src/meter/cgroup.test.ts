import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunCgroup, parseMountinfo, parseUnifiedCgroupPath, probeCgroup } from './cgroup.js';
import { rootedReader } from './fs-reader.js';

const FIX = join(import.meta.dirname, '../../test/fixtures/procfs');

describe('cgroup v2 detection', () => {
  it('parses mountinfo and the unified line of /proc/self/cgroup', () => {
    const mounts = parseMountinfo('41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n');
    expect(mounts).toEqual([
      { root: '/', mountPoint: '/sys/fs/cgroup/unified', fsType: 'cgroup2' },
      { root: '/', mountPoint: '/sys/fs/cgroup/systemd', fsType: 'cgroup' },
    ]);
    expect(parseMountinfo('1 2 0:1 / /mnt/with\\040space rw - ext4 /dev/x rw')[0]?.mountPoint).toBe('/mnt/with space');
    expect(parseUnifiedCgroupPath('4:memory:/x\n0::/user.slice/a.scope\n')).toBe('/user.slice/a.scope');
    expect(parseUnifiedCgroupPath('4:memory:/x\n')).toBeNull();
  });

  it('finds greenml\'s own delegated cgroup on a unified hierarchy', () => {
    const { result, support } = probeCgroup(rootedReader(join(FIX, 'cgroup-unified')));
    expect(result).toMatchObject({ available: true, detail: { mount: '/sys/fs/cgroup', hybrid: false, controllers: [], memory: false } });
    expect(support?.base).toBe('/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/greenml.scope');
  });

  it('explains a cgroup v1-only machine', () => {
    const { result } = probeCgroup(rootedReader(join(FIX, 'cgroup-v1')));
    expect(result.available).toBe(false);
    if (!result.available) expect(result.reason).toMatch(/no cgroup v2 hierarchy is mounted/);
  });

  it('explains a cgroup that is not delegated to this user, with the fix', () => {
    const reader = { ...rootedReader(join(FIX, 'cgroup-unified')), writable: () => false };
    const { result } = probeCgroup(reader);
    expect(result.available).toBe(false);
    if (!result.available) {
      expect(result.reason).toMatch(/not writable by this user \(not delegated\)/);
      expect(result.fix).toMatch(/systemd-run --user --scope -p Delegate=yes/);
    }
  });
});

describe('a run cgroup on this machine', () => {
  const probe = probeCgroup(rootedReader('/'));

  it('is available here or says why not', () => {
    if (!probe.result.available) expect(probe.result.reason.length).toBeGreaterThan(10);
    else expect(probe.support?.base).toMatch(/^\/sys\/fs\/cgroup/);
  });

  it.skipIf(!probe.support)('counts a child\'s CPU and is removed afterwards', async () => {
    const reader = rootedReader('/');
    const cg = RunCgroup.create(reader, probe.support as NonNullable<typeof probe.support>, `greenml-test-${process.pid}`);
    try {
      // Burns 0.4 s of CPU (not of wall time: the machine may be busy); node's start-up may run
      // before the move, so expect a little less in the cgroup.
      const child = spawn(process.execPath, ['-e', 'for (;;) { const u = process.cpuUsage(); if (u.user + u.system > 400000) break; }']);
      cg.addPid(child.pid as number);
      expect(cg.pids()).toContain(child.pid);
      await new Promise((r) => child.on('exit', r));
      const r = cg.read();
      expect(r.usageUsec).toBeGreaterThan(250_000);
      expect(r.pids).toEqual([]);
    } finally {
      expect(cg.remove()).toEqual({ leftovers: 0, error: null });
    }
    expect(reader.exists(cg.path)).toBe(false);
  });
});
