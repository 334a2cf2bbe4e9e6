/**
 * The plan form's fields -> the body of POST /api/v1/plan (docs/api.md), read with the same rules
 * as `greenml plan`'s flags (counts "7B", durations "48h", amounts "$500"). Pure: no DOM, tested in
 * Node. A bad field throws a GreenmlError naming the field and an accepted form.
 */
import { GreenmlError, parseCount, parseDurationS, parseNumberIn, parseUsd } from '../core/index.js';

export interface PlanFields {
  kind: 'training' | 'accelerator-hours' | 'run';
  params: string;
  tokens: string;
  mfu: string;
  hours: string;
  on: string;
  runId: string;
  precision: string;
  optimize: string;
  providers: string[];
  pricing: string[];
  regions: string;
  minGpuMemoryGb: string;
  deadline: string;
  budgetUsd: string;
  current: string;
  nodes: string;
}

const present = (s: string): boolean => s.trim() !== '';

function positive(text: string, what: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new GreenmlError('INVALID_INPUT', `Invalid ${what} "${text}": give a positive number.`);
  return n;
}

export function planRequestFrom(f: PlanFields): Record<string, unknown> {
  let workload: Record<string, unknown>;
  if (f.kind === 'training') {
    if (!present(f.params) || !present(f.tokens)) throw new GreenmlError('INVALID_INPUT', 'Give both the parameter count and the training tokens, e.g. 7B and 1T.');
    workload = { kind: 'training', params: parseCount(f.params, 'parameter count'), tokens: parseCount(f.tokens, 'token count') };
    if (present(f.mfu)) workload.mfu = parseNumberIn(f.mfu, 'MFU', 0.01, 1);
  } else if (f.kind === 'accelerator-hours') {
    if (!present(f.hours) || !present(f.on)) throw new GreenmlError('INVALID_INPUT', 'Give the accelerator-hours and the accelerator they were measured on, e.g. 120 hours on a100-80gb.');
    workload = { kind: 'accelerator-hours', hours: positive(f.hours, 'accelerator-hours'), on: f.on.trim() };
  } else {
    if (!present(f.runId)) throw new GreenmlError('INVALID_INPUT', 'Give the id (or a unique prefix of 6 characters or more) of a measured run.');
    workload = { kind: 'run', runId: f.runId.trim(), ...(present(f.on) ? { on: f.on.trim() } : {}) };
  }
  const constraints: Record<string, unknown> = {};
  if (f.providers.length > 0) constraints.providers = f.providers;
  if (f.pricing.length > 0) constraints.pricing = f.pricing;
  const regions = f.regions.split(/[\s,]+/).filter(Boolean);
  if (regions.length > 0) constraints.regions = regions;
  if (present(f.minGpuMemoryGb)) constraints.minGpuMemoryGb = positive(f.minGpuMemoryGb, 'minimum GPU memory (GB)');
  if (present(f.deadline)) constraints.deadlineS = parseDurationS(f.deadline, 'deadline');
  if (present(f.budgetUsd)) constraints.budgetUsd = parseUsd(f.budgetUsd, 'budget');
  const body: Record<string, unknown> = { workload };
  if (Object.keys(constraints).length > 0) body.constraints = constraints;
  if (present(f.precision)) body.precision = f.precision;
  if (present(f.optimize)) body.optimize = f.optimize;
  if (present(f.current)) body.current = f.current.trim();
  if (present(f.nodes)) {
    const n = positive(f.nodes, 'nodes');
    if (!Number.isInteger(n)) throw new GreenmlError('INVALID_INPUT', `Invalid nodes "${f.nodes}": give a whole number of identical instances.`);
    body.nodes = n;
  }
  return body;
}
