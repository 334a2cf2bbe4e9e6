/**
 * Parsers for nvidia-smi's CSV output (`--format=csv,noheader,nounits`: ", "-separated values, one
 * line per GPU per loop) and for CUDA_VISIBLE_DEVICES. Values nvidia-smi cannot give come as
 * "[N/A]", "[Not Supported]" (or without brackets in some drivers) and become null, never 0: an
 * unsupported power reading must read as "unknown", not as a GPU drawing nothing (CodeCarbon #1316).
 */

export const GPU_QUERY_FIELDS = ['index', 'uuid', 'name', 'power.draw', 'utilization.gpu', 'memory.used', 'memory.total'] as const;

export interface GpuLine {
  index: number;
  uuid: string;
  name: string;
  powerW: number | null;
  utilPct: number | null;
  memoryUsedMib: number | null;
  memoryTotalMib: number | null;
}

/** A number, or null for "[N/A]", "[Not Supported]", "[Unknown Error]", "" and anything else that is not one. */
export function smiNumber(raw: string | undefined): number | null {
  const s = (raw ?? '').trim();
  if (s === '' || s.startsWith('[') || /^n\/?a$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** One line of the --query-gpu stream, or null for a blank or malformed line. */
export function parseGpuLine(line: string): GpuLine | null {
  const parts = line.split(',').map((p) => p.trim());
  if (parts.length < GPU_QUERY_FIELDS.length) return null;
  // A name could hold a comma: take the fixed fields from both ends.
  const [indexRaw, uuid] = parts;
  const tail = parts.slice(-4);
  const name = parts.slice(2, parts.length - 4).join(', ');
  const index = Number(indexRaw);
  if (!Number.isInteger(index) || !uuid || !uuid.startsWith('GPU-')) return null;
  return { index, uuid, name, powerW: smiNumber(tail[0]), utilPct: smiNumber(tail[1]), memoryUsedMib: smiNumber(tail[2]), memoryTotalMib: smiNumber(tail[3]) };
}

export interface ComputeApp {
  pid: number;
  gpuUuid: string;
  usedMemoryMib: number | null;
}

/** `--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits`; prints nothing when no process uses a GPU. */
export function parseComputeApps(text: string): ComputeApp[] {
  const out: ComputeApp[] = [];
  for (const line of text.split('\n')) {
    const [pidRaw, uuid, mem] = line.split(',').map((p) => p.trim());
    const pid = Number(pidRaw);
    if (!Number.isInteger(pid) || pid <= 0 || !uuid?.startsWith('GPU-')) continue;
    out.push({ pid, gpuUuid: uuid, usedMemoryMib: smiNumber(mem) });
  }
  return out;
}

export interface ListedGpu {
  index: number;
  name: string;
  uuid: string;
  migUuids: string[];
}

/** `nvidia-smi -L`: "GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-...)" then indented "MIG 1g.10gb Device 0: (UUID: MIG-...)". */
export function parseGpuList(text: string): ListedGpu[] {
  const out: ListedGpu[] = [];
  for (const line of text.split('\n')) {
    const gpu = /^GPU (\d+): (.*) \(UUID: (GPU-[^)]+)\)/.exec(line.trim());
    if (gpu) {
      out.push({ index: Number(gpu[1]), name: gpu[2] as string, uuid: gpu[3] as string, migUuids: [] });
      continue;
    }
    const mig = /\(UUID: (MIG-[^)]+)\)/.exec(line);
    if (mig && out.length > 0) (out[out.length - 1] as ListedGpu).migUuids.push(mig[1] as string);
  }
  return out;
}

export type VisibleDevice = { kind: 'index'; index: number } | { kind: 'uuid'; prefix: string } | { kind: 'mig'; uuid: string };

/**
 * CUDA_VISIBLE_DEVICES as the CUDA runtime reads it: a comma-separated list of indices, GPU-
 * UUIDs (a unique prefix is enough) or MIG- UUIDs; at the first invalid entry the runtime stops
 * and only the devices before it are visible (so "-1" hides every GPU). Returns null when unset.
 */
export function parseCudaVisibleDevices(value: string | undefined): { devices: VisibleDevice[]; stoppedAt: string | null } | null {
  if (value === undefined) return null;
  const devices: VisibleDevice[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (/^\d+$/.test(entry)) devices.push({ kind: 'index', index: Number(entry) });
    else if (/^GPU-[0-9a-fA-F-]+$/.test(entry)) devices.push({ kind: 'uuid', prefix: entry.toLowerCase() });
    else if (/^MIG-/.test(entry)) devices.push({ kind: 'mig', uuid: entry });
    else return { devices, stoppedAt: entry };
  }
  return { devices, stoppedAt: null };
}

export interface GpuIdentity {
  index: number;
  uuid: string;
  name: string;
}

/**
 * Which physical GPUs CUDA_VISIBLE_DEVICES names, by UUID. MIG instances map to their parent GPU
 * (nvidia-smi has no per-instance power, so the whole GPU is charged and a note says so). Indices
 * follow nvidia-smi's PCI order; CUDA's default order (FASTEST_FIRST) agrees unless the GPUs differ.
 */
export function resolveVisibleDevices(
  parsed: { devices: VisibleDevice[]; stoppedAt: string | null },
  gpus: readonly GpuIdentity[],
  migParents: ReadonlyMap<string, string>,
  deviceOrder: string | undefined,
): { uuids: string[]; notes: string[] } {
  const uuids: string[] = [];
  const notes: string[] = [];
  const add = (uuid: string): void => {
    if (!uuids.includes(uuid)) uuids.push(uuid);
  };
  if (parsed.stoppedAt !== null) notes.push(`CUDA_VISIBLE_DEVICES entry "${parsed.stoppedAt}" is not a GPU index or UUID: CUDA ignores it and every entry after it`);
  for (const d of parsed.devices) {
    if (d.kind === 'index') {
      const gpu = gpus.find((g) => g.index === d.index);
      if (gpu) add(gpu.uuid);
      else notes.push(`CUDA_VISIBLE_DEVICES names GPU ${d.index}, which nvidia-smi does not list`);
    } else if (d.kind === 'uuid') {
      const matches = gpus.filter((g) => g.uuid.toLowerCase().startsWith(d.prefix));
      if (matches.length === 1) add((matches[0] as GpuIdentity).uuid);
      else notes.push(matches.length === 0 ? `CUDA_VISIBLE_DEVICES names ${d.prefix}, which nvidia-smi does not list` : `CUDA_VISIBLE_DEVICES prefix ${d.prefix} matches ${matches.length} GPUs`);
    } else {
      // Old form MIG-GPU-<uuid>/<gi>/<ci> carries the parent; the new form MIG-<uuid> needs nvidia-smi -L.
      const parent = /^MIG-(GPU-[0-9a-fA-F-]+)\//.exec(d.uuid)?.[1] ?? migParents.get(d.uuid);
      const gpu = parent ? gpus.find((g) => g.uuid.toLowerCase() === parent.toLowerCase()) : undefined;
      if (gpu) {
        add(gpu.uuid);
        notes.push(`${d.uuid} is a MIG instance of GPU ${gpu.index} (${gpu.name}): nvidia-smi reports power for the whole GPU only, so the whole GPU is charged`);
      } else notes.push(`CUDA_VISIBLE_DEVICES names MIG instance ${d.uuid}, whose GPU could not be found (nvidia-smi -L)`);
    }
  }
  const names = new Set(gpus.map((g) => g.name));
  if (parsed.devices.some((d) => d.kind === 'index') && deviceOrder !== 'PCI_BUS_ID' && names.size > 1) {
    notes.push('CUDA_VISIBLE_DEVICES uses indices on a machine with different GPU models and CUDA_DEVICE_ORDER is not PCI_BUS_ID: CUDA may number the GPUs differently from nvidia-smi; set CUDA_DEVICE_ORDER=PCI_BUS_ID or use GPU UUIDs');
  }
  return { uuids, notes };
}
