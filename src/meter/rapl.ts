/**
 * CPU package and DRAM energy from RAPL counters in the Linux powercap tree
 * (/sys/class/powercap/intel-rapl:* for the MSR interface, intel-rapl-mmio:* for the MMIO one;
 * AMD processors appear under the same names since Linux 5.8).
 *
 * Zone selection follows CodeCarbon (docs/explanation/rapl.md, PR #950, 2025), summarised in
 * shared/research/measurement.md 1.2 and 10.2: sum the top-level package-N zones across sockets;
 * keep dram apart (it is memory, and adding a memory model on top would double count); skip the
 * core and uncore subzones (they are inside the package); record psys (the whole SoC, a superset of
 * the package) without adding it; a zone exposed by both interfaces is counted once, from MMIO.
 */
import { type FsReader, errnoOf, messageOf, rootedReader } from './fs-reader.js';
import { type ProbeResult, type RaplDomain, type RaplReading, type RaplZoneReading, type Sampler, available, unavailable } from './sampler.js';

export const POWERCAP_DIR = '/sys/class/powercap';

/** What to do when energy_uj is root-only; steps from CodeCarbon docs/how-to/enable-rapl.md (2025). */
export const RAPL_PERMISSION_FIX =
  'until the next reboot: sudo chmod a+r /sys/class/powercap/*/energy_uj; to keep it, add the udev rule ' +
  'SUBSYSTEM=="powercap", ACTION=="add", TEST=="energy_uj", RUN+="/bin/chmod 0444 /sys%p/energy_uj" ' +
  'to /etc/udev/rules.d/99-greenml-rapl.rules and run sudo udevadm trigger --subsystem-match=powercap --action=add ' +
  '(or grant a group with chgrp/0440, as CodeCarbon docs/how-to/enable-rapl.md explains); or run greenml as root; ' +
  'in a container, mount /sys/class/powercap read-only';

interface Zone {
  key: string;
  domain: RaplDomain;
  name: string;
  path: string;
  mmio: boolean;
}

export interface RaplDiscovery {
  zones: Zone[];
  /** Zones seen and left out, with why (core/uncore inside the package, MSR duplicate of MMIO...). */
  skipped: { path: string; name: string; why: string }[];
}

const ZONE_DIR = /^intel-rapl(-mmio)?:(\d+)(?::(\d+))?$/;

export function discoverRaplZones(reader: FsReader): RaplDiscovery {
  const entries = reader.list(POWERCAP_DIR);
  const named = new Map<string, string>();
  const readName = (dir: string): string => {
    let name = named.get(dir);
    if (name === undefined) {
      name = reader.readText(`${POWERCAP_DIR}/${dir}/name`).trim();
      named.set(dir, name);
    }
    return name;
  };
  const byKey = new Map<string, Zone>();
  const skipped: RaplDiscovery['skipped'] = [];
  for (const dir of entries.sort()) {
    const m = ZONE_DIR.exec(dir);
    if (!m) continue;
    const mmio = m[1] !== undefined;
    const path = `${POWERCAP_DIR}/${dir}`;
    const name = readName(dir);
    const sub = m[3] !== undefined;
    let domain: RaplDomain | null = null;
    let key = name;
    if (!sub && /^package-\d+$/.test(name)) domain = 'package';
    else if (name === 'psys') domain = 'psys';
    else if (name === 'dram') {
      domain = 'dram';
      if (sub) {
        const parentDir = `intel-rapl${mmio ? '-mmio' : ''}:${m[2]}`;
        let parent = parentDir;
        try {
          parent = readName(parentDir);
        } catch {
          // keep the directory name as the key
        }
        key = `${parent}/dram`;
      }
    }
    if (domain === null) {
      skipped.push({ path, name, why: name === 'core' || name === 'uncore' ? 'inside the package zone' : 'not a package, dram or psys zone' });
      continue;
    }
    const existing = byKey.get(key);
    if (existing && (existing.mmio || !mmio)) {
      skipped.push({ path, name, why: `duplicate of ${existing.path}${existing.mmio && !mmio ? ' (MMIO preferred)' : ''}` });
      continue;
    }
    if (existing) skipped.push({ path: existing.path, name: existing.name, why: `duplicate of ${path} (MMIO preferred)` });
    byKey.set(key, { key, domain, name, path, mmio });
  }
  return { zones: [...byKey.values()], skipped };
}

export interface RaplOptions {
  reader?: FsReader;
  now?: () => number;
}

export class RaplSampler implements Sampler<RaplReading> {
  readonly id = 'rapl' as const;
  private readonly reader: FsReader;
  private readonly now: () => number;
  private zones: Zone[] = [];
  private maxRange = new Map<string, number | null>();

  constructor(options: RaplOptions = {}) {
    this.reader = options.reader ?? rootedReader('/');
    this.now = options.now ?? Date.now;
  }

  async probe(): Promise<ProbeResult> {
    let found: RaplDiscovery;
    try {
      found = discoverRaplZones(this.reader);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') {
        return unavailable(
          `${POWERCAP_DIR} does not exist: the kernel exposes no power-capping zones (usual in virtual machines and containers without /sys); CPU energy will be modeled`,
          'on bare metal, load the RAPL driver (sudo modprobe intel_rapl_common intel_rapl_msr); in a container, mount /sys/class/powercap read-only',
        );
      }
      return unavailable(`${POWERCAP_DIR} cannot be read (${messageOf(e)})`);
    }
    const packages = found.zones.filter((z) => z.domain === 'package');
    if (packages.length === 0) {
      return unavailable(`${POWERCAP_DIR} has no RAPL package zone (intel-rapl:N named package-N); CPU energy will be modeled`, 'on bare metal, load the RAPL driver (sudo modprobe intel_rapl_common intel_rapl_msr)');
    }
    for (const z of found.zones) {
      try {
        this.reader.readText(`${z.path}/energy_uj`);
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'EACCES' || code === 'EPERM') {
          return unavailable(`${z.path}/energy_uj is readable by root only (mode 0400 since CVE-2020-8694, Linux 5.10 and stable kernels, 2020)`, RAPL_PERMISSION_FIX);
        }
        return unavailable(`${z.path}/energy_uj cannot be read (${messageOf(e)})`);
      }
    }
    this.zones = found.zones;
    this.maxRange = new Map(found.zones.map((z) => [z.key, this.readMaxRange(z.path)]));
    return available({
      zones: found.zones.map((z) => ({ key: z.key, domain: z.domain, path: z.path, maxEnergyRangeUj: this.maxRange.get(z.key) ?? null })),
      skipped: found.skipped,
      sockets: packages.length,
      dram: found.zones.some((z) => z.domain === 'dram'),
    });
  }

  private readMaxRange(path: string): number | null {
    try {
      const n = Number(this.reader.readText(`${path}/max_energy_range_uj`).trim());
      return Number.isFinite(n) && n > 0 ? n : null;
    } catch {
      return null;
    }
  }

  async start(): Promise<void> {
    if (this.zones.length === 0) {
      const p = await this.probe();
      if (!p.available) throw new Error(p.reason);
    }
  }

  read(): RaplReading {
    const t = this.now();
    const zones: RaplZoneReading[] = this.zones.map((z) => {
      const energyUj = Number(this.reader.readHot(`${z.path}/energy_uj`).trim());
      if (!Number.isFinite(energyUj) || energyUj < 0) throw new Error(`${z.path}/energy_uj holds no counter`);
      return { key: z.key, domain: z.domain, name: z.name, path: z.path, energyUj, maxEnergyRangeUj: this.maxRange.get(z.key) ?? null };
    });
    return { kind: 'rapl', t, zones };
  }

  async stop(): Promise<void> {
    this.reader.release();
  }
}
