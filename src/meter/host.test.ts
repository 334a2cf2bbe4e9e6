import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootedReader } from './fs-reader.js';
import { cloudFromDmi, parseCpuinfo, probeHost } from './host.js';

const FIX = join(import.meta.dirname, '../../test/fixtures/sysfs');

describe('probeHost', () => {
  it('describes a cloud VM from local files', async () => {
    const host = await probeHost({ reader: rootedReader(join(FIX, 'host-aws')), nvidia: { command: join(FIX, 'no-nvidia-smi-here') } });
    expect(host.cpu).toEqual({ model: 'Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz', vendor: 'GenuineIntel', logicalCpus: 4, sockets: 2, hypervisor: true });
    expect(host.memoryBytes).toBe(16106680 * 1024);
    expect(host.dmi).toEqual({ sysVendor: 'Amazon EC2', productName: 'm5.xlarge', boardVendor: 'Amazon EC2', cloud: { provider: 'aws', evidence: 'Amazon EC2' } });
    expect(host.rapl).toMatchObject({ available: false, reason: expect.stringMatching(/\/sys\/class\/powercap does not exist/) });
    expect(host.nvidia).toMatchObject({ available: false, reason: expect.stringMatching(/not found/) });
    expect(host.cgroup.available).toBe(false);
    expect(host.kernel).toEqual({ clkTck: 100, pageSize: 4096, source: 'default' });
  });

  it('describes this machine', async () => {
    const host = await probeHost();
    expect(host.cpu.logicalCpus).toBeGreaterThanOrEqual(1);
    expect(host.memoryBytes).toBeGreaterThan(0);
    expect(host.procfs.available).toBe(true);
    expect(host.kernel.source).toBe('auxv');
    for (const p of [host.rapl, host.nvidia, host.cgroup]) if (!p.available) expect(p.reason.length).toBeGreaterThan(10);
  });
});

describe('cloudFromDmi and parseCpuinfo', () => {
  it('recognises providers by their DMI strings', () => {
    expect(cloudFromDmi('Google', 'Google Compute Engine', 'Google', 'Google')?.provider).toBe('gcp');
    expect(cloudFromDmi('Microsoft Corporation', 'Virtual Machine', 'Microsoft Corporation', null)?.provider).toBe('azure');
    expect(cloudFromDmi('Alibaba Cloud', 'Alibaba Cloud ECS', null, null)?.provider).toBe('alibaba');
    expect(cloudFromDmi('Dell Inc.', 'PowerEdge R750', 'Dell Inc.', 'Dell Inc.')).toBeNull();
    expect(cloudFromDmi(null, null, null, null)).toBeNull();
  });

  it('reads arm64 cpuinfo without model names or sockets', () => {
    const arm = 'processor\t: 0\nBogoMIPS\t: 243.75\nFeatures\t: fp asimd evtstrm aes\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nCPU implementer\t: 0x41\n';
    expect(parseCpuinfo(arm)).toEqual({ model: null, vendor: '0x41', processors: 2, sockets: null, hypervisor: false });
  });
});
