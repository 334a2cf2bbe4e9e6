import { describe, expect, it } from 'vitest';
import { catalogSources } from './sources.js';
import { billingFor, embodiedDefaults, factorById, listFactors, pueFor } from './factors.js';
import { findAny } from './find-any.js';

describe('factors', () => {
  it('gives PUE defaults per provider, for an unknown data centre and for a local machine', () => {
    // CCF *FootprintEstimationConstants.ts PUE_AVG: AWS 1.135, GCP 1.1, Azure 1.185
    expect(pueFor('aws').value).toBe(1.135);
    expect(pueFor('gcp').value).toBe(1.1);
    expect(pueFor('azure').value).toBe(1.185);
    // Green Algorithms defaults_PUE.csv: Unknown 1.56 (Uptime Institute 2024)
    expect(pueFor('unknown')).toMatchObject({ value: 1.56, year: 2024, sourceId: 'ga-defaults-pue' });
    expect(pueFor('local').value).toBe(1);
    expect(() => pueFor('ovh')).toThrow(/No default PUE for "ovh"/);
  });

  it('gives embodied defaults (Impact Framework sci-embodied, CCF lifespan)', () => {
    const e = embodiedDefaults();
    expect(e.serverKg.value).toBe(1000);
    expect(e.perVcpuKg.value).toBe(100);
    expect(e.perGpuKg.value).toBe(150);
    expect(e.lifespanH).toMatchObject({ value: 35040, unit: 'h' });
  });

  it('cites a known source with a year for every factor', () => {
    const ids = new Set(catalogSources().map((s) => s.id));
    for (const f of listFactors()) {
      expect(ids.has(f.sourceId)).toBe(true);
      expect(f.year).toBeGreaterThan(2000);
      expect(f.unit.length).toBeGreaterThan(0);
    }
    expect(factorById('gcp-tpu-commit-1y')).toMatchObject({ value: 0.7, quality: 'estimated' });
  });
});

describe('billing', () => {
  it('gives per-second billing with a 60 s minimum for AWS and GCP, and nothing for Azure', () => {
    expect(billingFor('aws')).toMatchObject({ incrementS: { value: 1, unit: 's' }, minimumS: { value: 60, sourceId: 'aws-ec2-pricing' } });
    expect(billingFor('GCP')?.minimumS.value).toBe(60);
    expect(billingFor('azure')).toBeNull();
  });
});

describe('findAny', () => {
  it('shows every field of a region with its own source, year and unit', () => {
    const e = findAny('gcp:europe-west4');
    expect(e.kind).toBe('region');
    const intensity = e.fields.find((f) => f.name === 'intensityGPerKwh')!;
    expect(intensity).toMatchObject({ value: 208.81, unit: 'gCO2e/kWh', sourceId: 'gcp-region-carbon-info', year: 2024 });
    expect(e.fields.find((f) => f.name === 'pue')).toMatchObject({ value: 1.07, sourceId: 'ccf-constants' });
    expect(e.fields.find((f) => f.name === 'country')).toMatchObject({ value: 'NL', sourceId: 'gcp-regions-doc' });
  });

  it('finds accelerators, instances, countries and CPU micro-architectures', () => {
    expect(findAny('h100').kind).toBe('accelerator');
    expect(findAny('aws:p5.48xlarge').fields.find((f) => f.name === 'accelerator.count')).toMatchObject({ value: 8, unit: 'accelerators (GPUs or TPU chips)' });
    expect(findAny('FR')).toMatchObject({ kind: 'country', id: 'FR' });
    expect(findAny('aws:ice-lake').kind).toBe('cpu-architecture');
    expect(() => findAny('europe-wst4')).toThrow(/Unknown catalog id "europe-wst4". Did you mean .*europe-west4/);
  });
});
