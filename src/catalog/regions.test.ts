import { describe, expect, it } from 'vitest';
import { isGreenmlError } from '../core/index.js';
import { countryIntensity, findCountry, listCountries, worldIntensity } from './countries.js';
import { findRegion, listRegions, regionIntensity, regionPue } from './regions.js';

describe('regions', () => {
  it('carries Google\'s 2024 figure for GCP regions', () => {
    // GoogleCloudPlatform/region-carbon-info data/yearly/2024.csv: europe-north2,Stockholm,1.00,2.73
    const r = findRegion('gcp:europe-north2');
    expect(r.intensityGPerKwh).toBe(2.73);
    expect(r.cfeFraction).toBe(1);
    expect(r.country).toBe('SE');
    const f = regionIntensity(r);
    expect(f).toMatchObject({ value: 2.73, unit: 'gCO2e/kWh', year: 2024, sourceId: 'gcp-region-carbon-info', quality: 'official' });
    // us-central1,Iowa,0.87,412.72
    expect(findRegion('gcp:us-central1')).toMatchObject({ intensityGPerKwh: 412.72, cfeFraction: 0.87, subdivision: 'US-IA' });
  });

  it('uses the state value for US regions of AWS and Azure and keeps CCF\'s value beside it', () => {
    // Green Algorithms CI_aggregated.csv: US-VA 308 (carbonfootprint.com, 2020 data);
    // CCF: us-east-1 = NERC SERC 0.000379069 t/kWh.
    const r = findRegion('aws:us-east-1');
    expect(r).toMatchObject({ intensityGPerKwh: 308, intensityScope: 'subdivision', subdivision: 'US-VA', ccfIntensityGPerKwh: 379.07 });
    expect(regionIntensity(r)).toMatchObject({ year: 2020, sourceId: 'ga-ci-aggregated' });
    // CA-QC 1.5 g/kWh (Canada's UNFCCC submission, 2019 data)
    expect(findRegion('aws:ca-central-1').intensityGPerKwh).toBe(1.5);
  });

  it('uses the 2023 OWID/Ember country value elsewhere', () => {
    // global_energy_mix.json: NLD carbon_intensity 267.622, year 2023
    const r = findRegion('azure:westeurope');
    expect(r).toMatchObject({ country: 'NL', intensityGPerKwh: 267.62, intensityScope: 'country' });
    expect(regionIntensity(r).year).toBe(2023);
  });

  it('uses the regional trailing-twelve-month PUE where CCF has one, else the fleet value', () => {
    expect(regionPue(findRegion('gcp:europe-west4'))).toMatchObject({ value: 1.07, basis: 'regional trailing-twelve-month PUE' });
    expect(findRegion('gcp:europe-north2').pue).toBe(1.1);
    expect(findRegion('aws:eu-west-1').pue).toBe(1.135);
    expect(findRegion('azure:eastus').pue).toBe(1.185);
  });

  it('lists regions sorted by intensity, filtered by provider, country and maximum intensity', () => {
    const all = listRegions();
    expect(all.length).toBeGreaterThan(100);
    for (let i = 1; i < all.length; i++) expect(all[i]!.intensityGPerKwh).toBeGreaterThanOrEqual(all[i - 1]!.intensityGPerKwh);
    expect(new Set(listRegions({ provider: 'GCP' }).map((r) => r.provider))).toEqual(new Set(['gcp']));
    expect(listRegions({ country: 'fr' }).map((r) => r.id)).toEqual(['gcp:europe-west9', 'aws:eu-west-3', 'azure:francecentral', 'azure:francesouth'].sort((a, b) => {
      const ia = findRegion(a).intensityGPerKwh - findRegion(b).intensityGPerKwh;
      return ia || a.localeCompare(b);
    }));
    expect(listRegions({ maxIntensity: 20 }).every((r) => r.intensityGPerKwh <= 20)).toBe(true);
    expect(listRegions({ country: 'US-VA' }).map((r) => r.id)).toContain('gcp:us-east4');
  });

  it('accepts a bare region name when one provider has it, case-insensitively', () => {
    expect(findRegion('us-east-1').id).toBe('aws:us-east-1');
    expect(findRegion('WESTEUROPE').id).toBe('azure:westeurope');
  });

  it('rejects unknown regions, providers and countries with suggestions', () => {
    const err = (() => {
      try {
        findRegion('gcp:europe-west44');
      } catch (e) {
        return e;
      }
    })();
    expect(isGreenmlError(err) && err.code).toBe('UNKNOWN_ID');
    expect((err as Error).message).toBe('Unknown region "gcp:europe-west44". Did you mean gcp:europe-west4, gcp:europe-west1 or gcp:europe-west10? Run greenml catalog regions to list them.');
    expect(() => listRegions({ provider: 'gpc' })).toThrow(/Unknown provider "gpc". Did you mean gcp/);
    expect(() => listRegions({ country: 'XX' })).toThrow(/Unknown country code "XX"/);
    expect(() => listRegions({ maxIntensity: -1 })).toThrow(/>= 0/);
  });
});

describe('countries', () => {
  it('has every country of the OWID/Ember table plus US states and Canadian provinces', () => {
    expect(listCountries({ kind: 'country' })).toHaveLength(213);
    expect(listCountries({ kind: 'subdivision' }).length).toBeGreaterThan(60);
  });

  it('returns a country\'s annual intensity with its year and source', () => {
    // global_energy_mix.json: FRA carbon_intensity 56.039, year 2023 (OWID/Ember, CC-BY-4.0)
    expect(countryIntensity('fr')).toMatchObject({ value: 56.04, unit: 'gCO2e/kWh', year: 2023, sourceId: 'owid-ember' });
    expect(countryIntensity('DEU').value).toBe(380.95);
    expect(countryIntensity('US-CA')).toMatchObject({ value: 216.43, year: 2020, sourceId: 'ga-ci-aggregated' });
    expect(findCountry('hk').year).toBe(2022);
  });

  it('falls back to the world average of 475 g/kWh (IEA 2019 via Green Algorithms)', () => {
    expect(worldIntensity()).toMatchObject({ value: 475, unit: 'gCO2e/kWh', year: 2019, sourceId: 'ga-ci-aggregated' });
  });

  it('rejects unknown codes with a suggestion', () => {
    expect(() => countryIntensity('FRX')).toThrow(/Unknown country code "FRX". Did you mean/);
  });
});
