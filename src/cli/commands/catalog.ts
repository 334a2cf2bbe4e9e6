/**
 * `greenml catalog`: browse the bundled reference data (regions, hardware, instances) and see where
 * every number comes from. The catalog is imported inside each action so other commands never
 * pay for loading it.
 */
import type { Command } from 'commander';
import { GreenmlError, formatPercent, formatUsd, parseNumberIn } from '../../core/index.js';
import type * as CatalogModule from '../../catalog/index.js';
import { colors, printJson, printLine } from '../output.js';
import { renderTable, type Column } from '../table.js';

type Catalog = typeof CatalogModule;
const loadCatalog = (): Promise<Catalog> => import('../../catalog/index.js');

const HARDWARE_KINDS = ['gpu', 'tpu', 'asic', 'cpu-arch'] as const;
type HardwareKind = (typeof HARDWARE_KINDS)[number];

const dash = '—';
const n = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined ? dash : String(Number(x.toFixed(digits))));

/** A `RegisterCommand` (commands/index.ts); typed structurally so index.ts and this file do not import each other. */
export const registerCatalog = (program: Command): void => {
  const catalog = program
    .command('catalog')
    .description('Browse the bundled reference data (regions, hardware, instances) and the source of every number');

  catalog
    .command('regions')
    .description('Cloud regions sorted by grid carbon intensity (lowest first), with year, basis and source')
    .option('--provider <provider>', 'only this provider: aws, gcp or azure')
    .option('--country <code>', 'only this country (ISO code such as FR) or US/Canadian state (US-VA)')
    .option('--max-intensity <gPerKwh>', 'only regions at or below this grid intensity (gCO2e/kWh)')
    .option('--json', 'print JSON')
    .action(async (opts: { provider?: string; country?: string; maxIntensity?: string; json?: boolean }) => {
      const c = await loadCatalog();
      const maxIntensity = opts.maxIntensity === undefined ? undefined : parseNumberIn(opts.maxIntensity, '--max-intensity (gCO2e/kWh)', 0, 10_000);
      const regions = c.listRegions({ provider: opts.provider, country: opts.country, maxIntensity });
      if (opts.json) {
        printJson(regions.map((r) => ({ ...r, intensity: c.regionIntensity(r), pueFactor: c.regionPue(r) })));
        return;
      }
      if (regions.length === 0) {
        printLine('No region matches these filters.');
        return;
      }
      type Row = { r: (typeof regions)[number]; f: ReturnType<Catalog['regionIntensity']> };
      const rows: Row[] = regions.map((r) => ({ r, f: c.regionIntensity(r) }));
      const cols: Column<Row>[] = [
        { header: 'REGION', value: ({ r }) => r.id },
        { header: 'LOCATION', value: ({ r }) => [r.city ?? r.name, r.subdivision ?? r.country].join(', ') },
        { header: 'gCO2e/kWh', value: ({ r }) => n(r.intensityGPerKwh), align: 'right' },
        { header: 'YEAR', value: ({ f }) => String(f.year ?? dash), align: 'right' },
        { header: 'BASIS', value: ({ r }) => r.intensityScope },
        { header: 'CFE', value: ({ r }) => (r.cfeFraction === null ? dash : formatPercent(r.cfeFraction, 0)), align: 'right' },
        { header: 'PUE', value: ({ r }) => n(r.pue, 3), align: 'right' },
        { header: 'SOURCE', value: ({ f }) => f.sourceId },
      ];
      printLine(renderTable(rows, cols));
      printLine(colors().dim(`\n${regions.length} regions. Annual location-based averages; BASIS is the resolution (provider region, state/province or country). Details: greenml catalog show <region>.`));
    });

  catalog
    .command('hardware')
    .description('Accelerators (TDP, idle power, dense throughput, memory) or CPU micro-architectures (W per vCPU)')
    .option('--kind <kind>', `one of ${HARDWARE_KINDS.join(', ')} (default: all accelerators)`)
    .option('--json', 'print JSON')
    .action(async (opts: { kind?: string; json?: boolean }) => {
      const kind = opts.kind === undefined ? undefined : checkKind(opts.kind);
      const c = await loadCatalog();
      if (kind === 'cpu-arch') {
        const archs = c.listCpuArchitectures();
        if (opts.json) return printJson(archs);
        const cols: Column<(typeof archs)[number]>[] = [
          { header: 'ID', value: (a) => a.id },
          { header: 'NAME', value: (a) => a.name },
          { header: 'IDLE W/vCPU', value: (a) => n(a.minWPerVcpu, 3), align: 'right' },
          { header: 'MAX W/vCPU', value: (a) => n(a.maxWPerVcpu, 3), align: 'right' },
          { header: 'GB/CHIP', value: (a) => n(a.gbPerChip, 1), align: 'right' },
          { header: 'YEAR', value: (a) => String(a.year ?? dash), align: 'right' },
          { header: 'SOURCE', value: (a) => a.sourceId + (a.suspicious ? colors().yellow('  (suspicious, see notes)') : '') },
        ];
        printLine(renderTable(archs, cols));
        return;
      }
      const accs = c.listAccelerators(kind === undefined ? {} : { kind });
      if (opts.json) return printJson(accs);
      const est = (a: (typeof accs)[number], field: string): string => (a.fieldQuality?.[field] === 'estimated' ? '*' : '');
      const cols: Column<(typeof accs)[number]>[] = [
        { header: 'ID', value: (a) => a.id },
        { header: 'KIND', value: (a) => a.kind },
        { header: 'TDP W', value: (a) => n(a.tdpW, 0) + est(a, 'tdpW'), align: 'right' },
        { header: 'IDLE W', value: (a) => n(a.idleW, 1) + est(a, 'idleW'), align: 'right' },
        { header: 'FP32', value: (a) => n(a.fp32Tflops, 1), align: 'right' },
        { header: 'BF16', value: (a) => n(a.bf16TflopsDense, 1) + est(a, 'bf16TflopsDense'), align: 'right' },
        { header: 'FP8', value: (a) => n(a.fp8TflopsDense, 1), align: 'right' },
        { header: 'INT8', value: (a) => n(a.int8TopsDense, 1) + est(a, 'int8TopsDense'), align: 'right' },
        { header: 'MEM GB', value: (a) => n(a.memoryGb, 0), align: 'right' },
        { header: 'GB/s', value: (a) => n(a.memoryBandwidthGbPerS, 0), align: 'right' },
        { header: 'ALIASES', value: (a) => a.aliases.slice(0, 3).join(', ') },
      ];
      printLine(renderTable(accs, cols));
      printLine(colors().dim('\nDense (no sparsity) TFLOPS/TOPS. * estimated. CPU micro-architectures: --kind cpu-arch. Sources per field: greenml catalog show <id>.'));
    });

  catalog
    .command('instances')
    .description('Instance types with accelerators, their embodied emissions and cheapest on-demand price')
    .option('--provider <provider>', 'only this provider: aws, gcp or azure')
    .option('--gpu <accelerator>', 'only instances with this accelerator (id or alias: h100, a100-80gb, tpu-v5p)')
    .option('--json', 'print JSON')
    .action(async (opts: { provider?: string; gpu?: string; json?: boolean }) => {
      const c = await loadCatalog();
      const instances = c.listInstances({ provider: opts.provider, accelerator: opts.gpu });
      const onDemand = c.listPrices({ pricing: 'on-demand', provider: opts.provider });
      const cheapest = new Map<string, { usd: number; region: string; regions: number }>();
      for (const p of onDemand) {
        const cur = cheapest.get(p.instance);
        if (!cur) cheapest.set(p.instance, { usd: p.usdPerHour, region: p.region, regions: 1 });
        else {
          cur.regions++;
          if (p.usdPerHour < cur.usd) Object.assign(cur, { usd: p.usdPerHour, region: p.region });
        }
      }
      if (opts.json) {
        printJson(instances.map((i) => ({ ...i, cheapestOnDemand: cheapest.get(i.id) ?? null })));
        return;
      }
      if (instances.length === 0) {
        printLine('No instance matches these filters.');
        return;
      }
      const cols: Column<(typeof instances)[number]>[] = [
        { header: 'INSTANCE', value: (i) => i.id },
        { header: 'ACCELERATOR', value: (i) => (i.accelerator ? `${i.accelerator.count} x ${i.accelerator.id}` : dash) },
        { header: 'ACC MEM GB', value: (i) => n(c.instanceAcceleratorMemoryGb(i), 0), align: 'right' },
        { header: 'vCPU', value: (i) => n(i.vcpus, 0), align: 'right' },
        { header: 'MEM GB', value: (i) => n(i.memoryGb, 0), align: 'right' },
        { header: 'CPU', value: (i) => i.cpuArchitecture ?? dash },
        { header: 'EMBODIED kg', value: (i) => n(i.embodiedKg, 0) + (i.fieldQuality?.embodiedKg === 'estimated' ? '*' : ''), align: 'right' },
        { header: 'FROM $/h', value: (i) => { const p = cheapest.get(i.id); return p ? formatUsd(p.usd) : dash; }, align: 'right' },
        { header: 'IN', value: (i) => cheapest.get(i.id)?.region ?? dash },
      ];
      printLine(renderTable(instances, cols));
      printLine(colors().dim('\nFROM: cheapest on-demand list price over the regions in the catalog (prices date from 2024-2026; see docs/catalog.md). * estimated. All prices: greenml catalog show <instance>.'));
    });

  catalog
    .command('show <id>')
    .description('Every field of a region, accelerator, instance, country or CPU micro-architecture, with its unit and source')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const c = await loadCatalog();
      const entry = c.findAny(id);
      const sourceIds = [...new Set(entry.fields.map((f) => f.sourceId).filter((s): s is string => s !== undefined))];
      const prices = entry.kind === 'instance' ? c.listPrices({ instance: entry.id }) : [];
      for (const p of prices) if (!sourceIds.includes(p.sourceId)) sourceIds.push(p.sourceId);
      const sources = sourceIds.map((s) => c.sourceById(s));
      if (opts.json) {
        printJson({ ...entry, ...(entry.kind === 'instance' ? { prices } : {}), sources });
        return;
      }
      const k = colors();
      printLine(`${k.bold(entry.kind)} ${entry.id}`);
      const listed = new Set(['notes', 'fixes']);
      printLine(renderTable(entry.fields.filter((f) => !listed.has(f.name)), [
        { header: 'FIELD', value: (f) => f.name },
        { header: 'VALUE', value: (f) => show(f.value) },
        { header: 'UNIT', value: (f) => f.unit ?? '' },
        { header: 'YEAR', value: (f) => (f.year === undefined ? '' : String(f.year)), align: 'right' },
        { header: 'QUALITY', value: (f) => f.quality ?? '' },
        { header: 'SOURCE', value: (f) => f.sourceId ?? '' },
      ]));
      const record = entry.record as { notes?: string[]; fixes?: Array<{ field: string; from: number | null; to: number | null; sourceId: string; reason: string }> };
      if (record.fixes?.length) {
        printLine(`\n${k.bold('corrections to the upstream data')}`);
        for (const f of record.fixes) printLine(`  ${f.field}: ${show(f.from)} -> ${show(f.to)} (${f.sourceId}): ${f.reason}`);
      }
      if (record.notes?.length) {
        printLine(`\n${k.bold('notes')}`);
        for (const note of record.notes) printLine(`  ${note}`);
      }
      if (prices.length > 0) {
        printLine(`\n${k.bold('prices')}`);
        printLine(renderTable(prices, [
          { header: 'REGION', value: (p) => p.region },
          { header: 'PRICING', value: (p) => p.pricing },
          { header: '$/h', value: (p) => formatUsd(p.usdPerHour), align: 'right' },
          { header: 'OBSERVED', value: (p) => p.observedAt },
          { header: 'QUALITY', value: (p) => p.quality },
          { header: 'SOURCE', value: (p) => p.sourceId },
        ]));
      }
      printLine(`\n${k.bold('sources')}`);
      for (const s of sources) {
        printLine(`  ${s.id}: ${s.source}${s.year ? ` (${s.year})` : ''}`);
        printLine(k.dim(`    ${[s.url ?? s.repo, s.commit ? `commit ${s.commit}` : '', `licence: ${s.licence}`].filter(Boolean).join('; ')}`));
      }
    });
};

function checkKind(kind: string): HardwareKind {
  const k = kind.trim().toLowerCase();
  if ((HARDWARE_KINDS as readonly string[]).includes(k)) return k as HardwareKind;
  throw new GreenmlError('INVALID_INPUT', `Unknown --kind "${kind}". Use one of ${HARDWARE_KINDS.join(', ')}.`);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return dash;
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object') ? value.join(', ') : `${value.length} entries (see --json)`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
