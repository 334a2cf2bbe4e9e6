/**
 * What `greenml doctor` shows about this machine and what the meter can use here: the CPU (model,
 * vendor, logical CPUs, sockets, hypervisor), memory, DMI vendor strings (cloud hints read from
 * local files, no network), and the probe of each energy source with its reason and fix.
 */
import { probeCgroup } from './cgroup.js';
import { type FsReader, readTextOrNull, rootedReader } from './fs-reader.js';
import { NvidiaSampler, type NvidiaOptions } from './nvidia.js';
import { parseMeminfo, parseSystemStat } from './procfs-parse.js';
import { type KernelUnits, ProcessTreeSampler, detectKernelUnits } from './procfs.js';
import { RaplSampler } from './rapl.js';
import type { ProbeResult } from './sampler.js';

export interface CpuInfo {
  model: string | null;
  vendor: string | null;
  logicalCpus: number;
  /** Distinct "physical id" values; null when /proc/cpuinfo does not say (many VMs and arm64). */
  sockets: number | null;
  /** The "hypervisor" CPU flag: this is a virtual machine. */
  hypervisor: boolean;
}

export interface CloudHint {
  provider: 'aws' | 'gcp' | 'azure' | 'alibaba' | 'oracle' | 'digitalocean' | 'hetzner' | 'scaleway' | 'ovh' | 'openstack';
  /** The DMI string that gave it away. */
  evidence: string;
}

export interface HostInfo {
  cpu: CpuInfo;
  memoryBytes: number | null;
  dmi: { sysVendor: string | null; productName: string | null; boardVendor: string | null; cloud: CloudHint | null };
  kernel: KernelUnits;
  procfs: ProbeResult;
  rapl: ProbeResult;
  nvidia: ProbeResult;
  cgroup: ProbeResult;
}

export function parseCpuinfo(text: string): Omit<CpuInfo, 'logicalCpus'> & { processors: number } {
  let model: string | null = null;
  let vendor: string | null = null;
  let processors = 0;
  let hypervisor = false;
  const sockets = new Set<string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (key === 'processor') processors++;
    else if ((key === 'model name' || key === 'Model' || key === 'cpu model') && model === null) model = value;
    else if ((key === 'vendor_id' || key === 'CPU implementer') && vendor === null) vendor = value;
    else if (key === 'physical id') sockets.add(value);
    else if ((key === 'flags' || key === 'Features') && /(^|\s)hypervisor(\s|$)/.test(value)) hypervisor = true;
  }
  return { model, vendor, processors, sockets: sockets.size > 0 ? sockets.size : null, hypervisor };
}

/** Cloud provider from DMI strings (what cloud-init's ds-identify and CodeCarbon's cloud checks look at). */
export function cloudFromDmi(sysVendor: string | null, productName: string | null, boardVendor: string | null, biosVendor: string | null): CloudHint | null {
  const rules: [RegExp, CloudHint['provider']][] = [
    [/^Amazon EC2$/i, 'aws'],
    [/^Google( Compute Engine)?$/i, 'gcp'],
    [/^Alibaba Cloud$/i, 'alibaba'],
    [/^Oracle Corporation$|^OracleCloud/i, 'oracle'],
    [/^DigitalOcean$/i, 'digitalocean'],
    [/^Hetzner$/i, 'hetzner'],
    [/^Scaleway$/i, 'scaleway'],
    [/^OVH/i, 'ovh'],
    [/^OpenStack (Foundation|Nova)$/i, 'openstack'],
  ];
  for (const s of [sysVendor, productName, boardVendor, biosVendor]) {
    if (!s) continue;
    for (const [re, provider] of rules) if (re.test(s)) return { provider, evidence: s };
  }
  // Hyper-V guests all say Microsoft / Virtual Machine; on a server that is almost always Azure.
  if (sysVendor === 'Microsoft Corporation' && productName === 'Virtual Machine') return { provider: 'azure', evidence: `${sysVendor} ${productName} (a Hyper-V guest: Azure, or local Hyper-V)` };
  return null;
}

export interface HostProbeOptions {
  reader?: FsReader;
  nvidia?: NvidiaOptions;
}

export async function probeHost(options: HostProbeOptions = {}): Promise<HostInfo> {
  const reader = options.reader ?? rootedReader('/');
  const kernel = detectKernelUnits(reader);
  const info = parseCpuinfo(readTextOrNull(reader, '/proc/cpuinfo') ?? '');
  const stat = parseSystemStat(readTextOrNull(reader, '/proc/stat') ?? '');
  const mem = parseMeminfo(readTextOrNull(reader, '/proc/meminfo') ?? '');
  const dmi = (name: string): string | null => readTextOrNull(reader, `/sys/class/dmi/id/${name}`)?.trim() || null;
  const sysVendor = dmi('sys_vendor');
  const productName = dmi('product_name');
  const boardVendor = dmi('board_vendor');
  const [procfs, rapl, nvidia] = await Promise.all([
    new ProcessTreeSampler({ reader, units: kernel }).probe(),
    new RaplSampler({ reader }).probe(),
    new NvidiaSampler({ ...options.nvidia, reader }).probe(),
  ]);
  return {
    cpu: { model: info.model, vendor: info.vendor, logicalCpus: stat?.logicalCpus || info.processors || 1, sockets: info.sockets, hypervisor: info.hypervisor },
    memoryBytes: mem['MemTotal'] ?? null,
    dmi: { sysVendor, productName, boardVendor, cloud: cloudFromDmi(sysVendor, productName, boardVendor, dmi('bios_vendor')) },
    kernel,
    procfs,
    rapl,
    nvidia,
    cgroup: probeCgroup(reader).result,
  };
}
