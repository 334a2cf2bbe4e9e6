/**
 * NVIDIA GPU power from one long-running `nvidia-smi --query-gpu=... -lms <ms>` stream per run (one
 * process for the whole run, not one per tick), integrated per GPU by the accountant (trapezoid,
 * as Zeus does for GPUs without an energy counter). `nvidia-smi --query-gpu` has no energy field,
 * so sampled power is what a Node process can get without NVML bindings
 * (shared/research/measurement.md, key finding 2 and 10.3).
 *
 * Which GPUs are charged: those CUDA_VISIBLE_DEVICES names in the command's environment; when it is
 * unset, those on which a process of the tree appears in `--query-compute-apps` (polled rarely),
 * from the poll that first sees it. When nvidia-smi shows processes greenml cannot see in /proc (a
 * container without the host PID namespace), every GPU is charged, with a note.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { type FsReader, errnoOf, messageOf, rootedReader } from './fs-reader.js';
import { GPU_QUERY_FIELDS, type GpuIdentity, parseComputeApps, parseCudaVisibleDevices, parseGpuLine, parseGpuList, resolveVisibleDevices } from './nvidia-parse.js';
import { type GpuDeviceReading, type GpuReading, type GpuSelection, type ProbeResult, type Sampler, type SamplerContext, available, unavailable } from './sampler.js';

const FORMAT = '--format=csv,noheader,nounits';
const QUERY = `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`;

export interface NvidiaOptions {
  /** The nvidia-smi executable (a path or a name looked up on PATH). Tests point it at a fake script. */
  command?: string;
  /** Environment for the nvidia-smi processes. */
  env?: NodeJS.ProcessEnv;
  /** Stream period, ms (nvidia-smi -lms). 500 ms by default: two samples per 1 s tick for the trapezoid. */
  streamMs?: number;
  /** How often to ask which processes use which GPU, seconds (only when CUDA_VISIBLE_DEVICES is unset). */
  computeAppsEveryS?: number;
  /** First compute-apps poll, seconds after start: CUDA contexts take a moment to appear. */
  computeAppsFirstS?: number;
  probeTimeoutMs?: number;
  reader?: FsReader;
  now?: () => number;
}

interface Device extends GpuIdentity {
  memoryTotalMib: number | null;
  samples: GpuDeviceReading['samples'];
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const detail = (String(stdout) + String(stderr)).trim().split('\n')[0];
        reject(Object.assign(error, { detail: detail || error.message }));
      } else resolve(String(stdout));
    });
  });
}

export class NvidiaSampler implements Sampler<GpuReading> {
  readonly id = 'nvidia' as const;
  private readonly command: string;
  private readonly now: () => number;
  private readonly reader: FsReader;
  private devices = new Map<string, Device>();
  private stream: ChildProcess | null = null;
  private failure: string | null = null;
  private stderrTail = '';
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];
  private selection: GpuSelection = { uuids: [], rule: 'none', notes: [] };
  private usedByTree = new Set<string>();
  private ctx: SamplerContext | null = null;

  constructor(private readonly options: NvidiaOptions = {}) {
    this.command = options.command ?? 'nvidia-smi';
    this.now = options.now ?? Date.now;
    this.reader = options.reader ?? rootedReader('/');
  }

  async probe(): Promise<ProbeResult> {
    let out: string;
    try {
      out = await run(this.command, [QUERY, FORMAT], this.options.env, this.options.probeTimeoutMs ?? 10_000);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') {
        return unavailable(`${this.command} not found: no NVIDIA driver on this machine (or not visible in this container)`, 'install the NVIDIA driver; in Docker, run with --gpus all (NVIDIA Container Toolkit)');
      }
      const detail = (e as { detail?: string }).detail ?? messageOf(e);
      return unavailable(`nvidia-smi failed: ${detail}`, 'check the driver with nvidia-smi; "couldn\'t communicate with the NVIDIA driver" usually means the kernel module is not loaded');
    }
    const lines = out.split('\n').map(parseGpuLine).filter((l) => l !== null);
    if (lines.length === 0) return unavailable('nvidia-smi lists no GPU');
    this.devices = new Map(lines.map((l) => [l.uuid, { index: l.index, uuid: l.uuid, name: l.name, memoryTotalMib: l.memoryTotalMib, samples: [] }]));
    return available({
      gpus: lines.map((l) => ({ index: l.index, uuid: l.uuid, name: l.name, memoryTotalMib: l.memoryTotalMib, powerSupported: l.powerW !== null })),
    });
  }

  async start(ctx: SamplerContext): Promise<void> {
    this.ctx = ctx;
    if (this.devices.size === 0) {
      const p = await this.probe();
      if (!p.available) throw new Error(p.reason);
    }
    await this.chooseGpus(ctx);
    this.startStream();
  }

  private async chooseGpus(ctx: SamplerContext): Promise<void> {
    const gpus = [...this.devices.values()];
    const parsed = parseCudaVisibleDevices(ctx.childEnv['CUDA_VISIBLE_DEVICES']);
    if (parsed) {
      const migParents = new Map<string, string>();
      if (parsed.devices.some((d) => d.kind === 'mig')) {
        try {
          for (const g of parseGpuList(await run(this.command, ['-L'], this.options.env, 10_000))) for (const m of g.migUuids) migParents.set(m, g.uuid);
        } catch (e) {
          this.selection.notes.push(`nvidia-smi -L failed (${messageOf(e)}): MIG instances cannot be mapped to their GPU`);
        }
      }
      const { uuids, notes } = resolveVisibleDevices(parsed, gpus, migParents, ctx.childEnv['CUDA_DEVICE_ORDER']);
      if (uuids.length === 0) notes.push(parsed.devices.length === 0 ? 'CUDA_VISIBLE_DEVICES hides every GPU from the command: no GPU energy charged' : 'no GPU named by CUDA_VISIBLE_DEVICES was found: no GPU energy charged');
      this.selection = { uuids, rule: 'cuda-visible-devices', notes: [...this.selection.notes, ...notes] };
      return;
    }
    this.selection = { uuids: [], rule: 'process-tree', notes: [] };
    const first = setTimeout(() => void this.pollComputeApps(), (this.options.computeAppsFirstS ?? 2) * 1000);
    const every = setInterval(() => void this.pollComputeApps(), (this.options.computeAppsEveryS ?? 10) * 1000);
    first.unref();
    every.unref();
    this.timers.push(first, every);
  }

  /** Asks nvidia-smi which processes use which GPU and charges the GPUs the tree uses from now on. */
  async pollComputeApps(): Promise<void> {
    if (!this.ctx || this.stopping || this.selection.rule === 'all-gpus' || this.selection.rule === 'cuda-visible-devices') return;
    let apps;
    try {
      apps = parseComputeApps(await run(this.command, ['--query-compute-apps=pid,gpu_uuid,used_memory', FORMAT], this.options.env, 10_000));
    } catch (e) {
      this.chargeAll(`nvidia-smi --query-compute-apps failed (${(e as { detail?: string }).detail ?? messageOf(e)}): every GPU is charged`);
      return;
    }
    const tree = new Set(this.ctx.treePids());
    const foreign = apps.filter((a) => !tree.has(a.pid) && !this.reader.exists(`/proc/${a.pid}`));
    if (foreign.length > 0 && !apps.some((a) => tree.has(a.pid))) {
      this.chargeAll(`nvidia-smi shows GPU processes (PID ${foreign.map((a) => a.pid).join(', ')}) that /proc does not: greenml runs in another PID namespace and cannot tell which GPUs the command uses, so every GPU is charged`);
      return;
    }
    for (const a of apps) {
      if (tree.has(a.pid) && this.devices.has(a.gpuUuid) && !this.usedByTree.has(a.gpuUuid)) {
        this.usedByTree.add(a.gpuUuid);
        this.selection = { ...this.selection, uuids: [...this.usedByTree] };
      }
    }
  }

  private chargeAll(note: string): void {
    this.selection = { uuids: [...this.devices.keys()], rule: 'all-gpus', notes: [...this.selection.notes, note] };
  }

  private startStream(): void {
    const child = spawn(this.command, [QUERY, FORMAT, '-lms', String(this.options.streamMs ?? 500)], { stdio: ['ignore', 'pipe', 'pipe'], env: this.options.env, windowsHide: true });
    this.stream = child;
    let pending = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const t = this.now();
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = parseGpuLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        const device = line ? this.devices.get(line.uuid) : undefined;
        if (line && device) device.samples.push({ t, powerW: line.powerW, utilPct: line.utilPct, memoryUsedMib: line.memoryUsedMib });
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-500);
    });
    child.on('error', (e) => {
      this.failure = `nvidia-smi stream could not run: ${messageOf(e)}`;
    });
    child.on('exit', (code, signal) => {
      this.stream = null;
      if (!this.stopping) {
        const why = this.stderrTail.trim().split('\n').pop() ?? '';
        this.failure = `nvidia-smi stream stopped (${signal ?? `exit code ${code}`})${why ? `: ${why}` : ''}`;
      }
    });
  }

  read(): GpuReading {
    const t = this.now();
    const gpus: GpuDeviceReading[] = [];
    let any = false;
    for (const d of this.devices.values()) {
      gpus.push({ index: d.index, uuid: d.uuid, name: d.name, memoryTotalMib: d.memoryTotalMib, samples: d.samples });
      any ||= d.samples.length > 0;
      d.samples = [];
    }
    // Hand over what arrived before a failure; the next read reports the failure.
    if (this.failure && !any) throw new Error(this.failure);
    return { kind: 'gpu', t, gpus, selection: { uuids: [...this.selection.uuids], rule: this.selection.uuids.length === 0 && this.selection.rule === 'process-tree' ? 'none' : this.selection.rule, notes: [...this.selection.notes] } };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    const child = this.stream;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
