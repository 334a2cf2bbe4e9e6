import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCpuArchitecture, listCpuArchitectures } from './cpu.js';
import { matchCpuModel, normalizeCpuName } from './cpu-match.js';

describe('matchCpuModel', () => {
  it('matches /proc/cpuinfo strings exactly after normalisation', () => {
    // CodeCarbon cpu_power.csv: "Intel Xeon Gold 6248,150.0"; Green Algorithms TDP_cpu.csv: 20 cores
    expect(matchCpuModel('Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz')).toMatchObject({
      name: 'Intel Xeon Gold 6248', tdpW: 150, cores: 20, confidence: 'exact', sourceId: 'codecarbon-cpu-power',
    });
    // CodeCarbon cpu_power.csv: "AMD EPYC 7R13,225"
    expect(matchCpuModel('AMD EPYC 7R13 Processor')).toMatchObject({ name: 'AMD EPYC 7R13', tdpW: 225, confidence: 'exact' });
    expect(matchCpuModel('AMD Ryzen 9 5950X 16-Core Processor')).toMatchObject({ name: 'AMD Ryzen 9 5950X', tdpW: 105, confidence: 'exact' });
    expect(matchCpuModel('Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz')).toMatchObject({ name: 'Intel Xeon E5-2686 v4', tdpW: 145 });
    expect(matchCpuModel('Apple M1')).toMatchObject({ name: 'Apple M1', tdpW: 10, confidence: 'exact' });
  });

  it('matches a model number that differs only by its letter suffix as fuzzy, with a score', () => {
    const m = matchCpuModel('Intel(R) Xeon(R) Platinum 8259CX CPU @ 2.50GHz');
    expect(m.confidence).toBe('fuzzy');
    expect(m.name).toMatch(/^Intel Xeon Platinum 8259C?L$/);
    expect(m.score).toBeGreaterThan(0.55);
    expect(m.score).toBeLessThan(1);
  });

  it('falls back to 4 W per logical CPU for a model-less or unknown string (CodeCarbon)', () => {
    // This very machine: "Intel(R) Xeon(R) Processor" (a hypervisor hides the model), 2 vCPUs
    expect(matchCpuModel('Intel(R) Xeon(R) Processor', { threads: 2 })).toMatchObject({ name: 'generic CPU', tdpW: 8, threads: 2, confidence: 'generic', sourceId: 'codecarbon-defaults' });
    // Apple M2 is not in the bundled table; it must not match "Apple M1".
    expect(matchCpuModel('Apple M2', { threads: 8 })).toMatchObject({ confidence: 'generic', tdpW: 32 });
    expect(matchCpuModel('QEMU Virtual CPU version 2.5+')).toMatchObject({ confidence: 'generic', tdpW: 85 });
    expect(matchCpuModel('').confidence).toBe('generic');
  });

  it('is deterministic and always returns a positive TDP', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.integer({ min: 1, max: 512 }), { nil: undefined }), (s, threads) => {
        const a = matchCpuModel(s, { threads });
        const b = matchCpuModel(s, { threads });
        expect(a).toEqual(b);
        expect(a.tdpW).toBeGreaterThan(0);
        expect(['exact', 'fuzzy', 'generic']).toContain(a.confidence);
      }),
      { numRuns: 300 },
    );
  });

  it('normalises vendor decorations away', () => {
    expect(normalizeCpuName('12th Gen Intel(R) Core(TM) i7-1260P')).toBe('intel core i7-1260p');
    expect(normalizeCpuName('AMD EPYC 7R13 48-Core Processor')).toBe('amd epyc 7r13');
  });
});

describe('CPU micro-architectures', () => {
  it('holds CCF\'s SPECpower-derived watts per vCPU', () => {
    // ccf-coefficients output/coefficients-aws-use.csv: Cascade Lake 0.6903 / 4.0632 W per vCPU, 105.97 GB/chip
    expect(findCpuArchitecture('Cascade Lake')).toMatchObject({ id: 'aws:cascade-lake', minWPerVcpu: 0.69, maxWPerVcpu: 4.063, gbPerChip: 105.97 });
    // coefficients-gcp-use.csv: Cascade Lake max 3.7549
    expect(findCpuArchitecture('cascade-lake', 'gcp').maxWPerVcpu).toBe(3.755);
    // Azure's file has no Sapphire Rapids: AWS's value is used.
    expect(findCpuArchitecture('Sapphire Rapids', 'azure').provider).toBe('aws');
    expect(findCpuArchitecture('AMD EPYC 3rd Gen').name).toBe('EPYC 3rd Gen');
  });

  it('flags EPYC 5th Gen as suspicious and offers CCF\'s fallback for unknown CPUs', () => {
    const epyc5 = findCpuArchitecture('EPYC 5th Gen');
    expect(epyc5.suspicious).toBe(true);
    expect(epyc5.notes?.join(' ')).toMatch(/EPYC 4th Gen/);
    // CCF AwsFootprintEstimationConstants: MIN_WATTS_AVG 0.74, MAX_WATTS_AVG 3.5
    expect(findCpuArchitecture('unknown')).toMatchObject({ minWPerVcpu: 0.74, maxWPerVcpu: 3.5 });
    expect(listCpuArchitectures({ provider: 'gcp' }).every((a) => a.provider === 'gcp')).toBe(true);
  });

  it('rejects an unknown micro-architecture with suggestions', () => {
    expect(() => findCpuArchitecture('Cascade Lak')).toThrow(/Did you mean Cascade Lake/);
  });
});
