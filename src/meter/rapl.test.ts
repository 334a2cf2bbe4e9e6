import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnergyAccountant } from './accountant.js';
import { type FsReader, rootedReader } from './fs-reader.js';
import { RAPL_PERMISSION_FIX, RaplSampler, discoverRaplZones } from './rapl.js';

const FIX = join(import.meta.dirname, '../../test/fixtures/sysfs');

function ticking(...dirs: string[]): { reader: FsReader; next: () => void } {
  const readers = dirs.map((d) => rootedReader(join(FIX, d)));
  let i = 0;
  const cur = (): FsReader => readers[i] as FsReader;
  const reader: FsReader = {
    readText: (p) => cur().readText(p),
    readHot: (p) => cur().readText(p),
    release: () => {},
    readBytes: (p) => cur().readBytes(p),
    list: (p) => cur().list(p),
    exists: (p) => cur().exists(p),
    writable: () => false,
    resolve: (p) => cur().resolve(p),
  };
  return { reader, next: () => void i++ };
}

/** The kernel's answer to a non-root read of energy_uj since CVE-2020-8694 (tests may run as root). */
function denyEnergy(reader: FsReader): FsReader {
  return {
    ...reader,
    readText: (p) => {
      if (p.endsWith('/energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
      return reader.readText(p);
    },
    readHot: (p) => {
      if (p.endsWith('/energy_uj')) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
      return reader.readHot(p);
    },
  };
}

describe('discoverRaplZones', () => {
  it('keeps packages and dram per socket, records psys, skips core/uncore and prefers MMIO twins', () => {
    const found = discoverRaplZones(rootedReader(join(FIX, 'rapl-2s-dram/tick-0')));
    const zones = Object.fromEntries(found.zones.map((z) => [z.key, [z.domain, z.path.split('/').pop()]]));
    expect(zones).toEqual({
      'package-0': ['package', 'intel-rapl-mmio:0'],
      'package-0/dram': ['dram', 'intel-rapl:0:1'],
      'package-1': ['package', 'intel-rapl:1'],
      'package-1/dram': ['dram', 'intel-rapl:1:1'],
      psys: ['psys', 'intel-rapl:2'],
    });
    const skipped = found.skipped.map((s) => `${s.path.split('/').pop()}: ${s.why}`);
    expect(skipped).toContain('intel-rapl:0:0: inside the package zone');
    expect(skipped).toContain('intel-rapl:1:0: inside the package zone');
    expect(skipped).toContain('intel-rapl:0: duplicate of /sys/class/powercap/intel-rapl-mmio:0 (MMIO preferred)');
  });
});

describe('RaplSampler', () => {
  it('sums the two packages, keeps DRAM apart and does not add psys', async () => {
    const t = ticking('rapl-2s-dram/tick-0', 'rapl-2s-dram/tick-1');
    let now = 1_000_000;
    const s = new RaplSampler({ reader: t.reader, now: () => now });
    const probe = await s.probe();
    expect(probe).toMatchObject({ available: true, detail: { sockets: 2, dram: true } });
    const acc = new EnergyAccountant({ attribution: 'machine', logicalCpus: 8 });
    acc.begin({ t: now, rapl: s.read() });
    t.next();
    now += 1000;
    const e = acc.update({ t: now, rapl: s.read() });
    // MMIO package-0 +121 J, package-1 +80 J; psys +250 J recorded only.
    expect(e.cpuJ).toBeCloseTo(201, 9);
    expect(e.memoryJ).toBeCloseTo(16, 9);
    expect(e.detail['rapl']).toMatchObject({ packageW: 201, dramW: 16 });
    const summary = acc.summary();
    expect(summary.components.map((c) => [c.component, c.method])).toEqual([
      ['cpu', 'measured-counter'],
      ['memory', 'measured-counter'],
    ]);
  });

  it('undoes a wrap of an AMD-like short counter with max_energy_range_uj', async () => {
    const t = ticking('amd-wrap/tick-0', 'amd-wrap/tick-1');
    let now = 0;
    const s = new RaplSampler({ reader: t.reader, now: () => now });
    expect((await s.probe()).available).toBe(true);
    const acc = new EnergyAccountant({ attribution: 'machine', logicalCpus: 4 });
    acc.begin({ t: now, rapl: s.read() });
    t.next();
    now = 2000;
    const e = acc.update({ t: now, rapl: s.read() });
    expect(e.cpuJ).toBeCloseTo(30, 9);
    expect(e.detail['rapl']).toMatchObject({ zones: { 'package-0': { deltaUj: 30_000_000, wrapped: true } } });
    expect(acc.summary().notes).toContain('1 RAPL counter wrap(s) undone with max_energy_range_uj');
  });

  it('explains permission denied (root-only energy_uj) with the fix', async () => {
    const s = new RaplSampler({ reader: denyEnergy(rootedReader(join(FIX, 'rapl-2s-dram/tick-0'))) });
    const p = await s.probe();
    expect(p.available).toBe(false);
    if (p.available) return;
    expect(p.reason).toMatch(/readable by root only .*CVE-2020-8694/);
    expect(p.fix).toBe(RAPL_PERMISSION_FIX);
    expect(p.fix).toMatch(/chmod a\+r \/sys\/class\/powercap\/\*\/energy_uj/);
    expect(p.fix).toMatch(/udev/);
    expect(p.fix).toMatch(/CodeCarbon docs\/how-to\/enable-rapl\.md/);
  });

  it('says there is no powercap tree on a machine without one (this VM included)', async () => {
    for (const reader of [rootedReader(join(FIX, 'host-aws')), rootedReader('/')]) {
      if (reader.exists('/sys/class/powercap')) continue; // a bare-metal test machine has RAPL
      const p = await new RaplSampler({ reader }).probe();
      expect(p.available).toBe(false);
      if (!p.available) expect(p.reason).toMatch(/\/sys\/class\/powercap does not exist/);
    }
  });

  it('says when powercap has no RAPL package zone', async () => {
    const p = await new RaplSampler({ reader: rootedReader(join(FIX, 'no-rapl-zones')) }).probe();
    expect(p).toMatchObject({ available: false });
    if (!p.available) expect(p.reason).toMatch(/no RAPL package zone/);
  });
});
