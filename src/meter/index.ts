/** @module meter: samplers (procfs, cgroup v2, RAPL, nvidia-smi, fake), the transparent child, the sampling session. */
export type {
  ProbeResult,
  Sampler,
  SamplerId,
  SamplerContext,
  Reading,
  ProcessTreeReading,
  MachineReading,
  RaplReading,
  RaplZoneReading,
  RaplDomain,
  GpuReading,
  GpuDeviceReading,
  GpuPowerSample,
  GpuSelection,
} from './sampler.js';
export { type FsReader, rootedReader } from './fs-reader.js';
export { parseProcStat, parseSystemStat, parseMeminfo, type ProcStat } from './procfs-parse.js';
export {
  ProcessTreeSampler,
  MachineSampler,
  detectKernelUnits,
  waitedChildrenCpuS,
  DEFAULT_CLK_TCK,
  type KernelUnits,
  type ProcessTreeOptions,
  type ProcessTreeStatus,
} from './procfs.js';
export { probeCgroup, RunCgroup, type CgroupSupport } from './cgroup.js';
export { RaplSampler, discoverRaplZones, RAPL_PERMISSION_FIX, POWERCAP_DIR } from './rapl.js';
export { NvidiaSampler, type NvidiaOptions } from './nvidia.js';
export { parseGpuLine, parseComputeApps, parseCudaVisibleDevices, resolveVisibleDevices, type GpuLine } from './nvidia-parse.js';
// The fake meter itself (and its schema library) loads only when GREENML_FAKE_METER asks for it.
export { FAKE_METER_ENV } from './fake-env.js';
export type { FakeScript } from './fake.js';
export {
  spawnChild,
  exitCodeFor,
  signalNumber,
  shouldForward,
  FORWARDED_SIGNALS,
  KEYBOARD_SIGNALS,
  EXIT_COMMAND_NOT_FOUND,
  EXIT_CANNOT_EXECUTE,
  EXIT_WRAPPER_FAILED,
  type SpawnOptions,
  type ChildResult,
  type RunningChild,
  type SpawnFailure,
} from './spawn.js';
export { EnergyAccountant, DEFAULT_MAX_ZONE_POWER_W, type AccountantOptions, type IntervalEnergy, type IntervalInput } from './accountant.js';
export {
  startSession,
  validateIntervalS,
  DEFAULT_INTERVAL_S,
  DEFAULT_FLUSH_EVERY_S,
  MIN_INTERVAL_S,
  MAX_INTERVAL_S,
  type Session,
  type SessionOptions,
  type SessionSummary,
  type DisabledSampler,
  type CpuCrossCheck,
} from './session.js';
export { probeHost, parseCpuinfo, cloudFromDmi, type HostInfo, type CpuInfo, type CloudHint } from './host.js';
export {
  createMetricsFile,
  MetricsFileTail,
  parseMetricsLine,
  METRICS_FILE_ENV,
  RUN_ID_ENV,
  type MetricsBatch,
  type ProgressEvent,
  type ParamValue,
  type InvalidLines,
} from './metrics-file.js';
export { probeMeter, type Meter, type MeterOptions } from './meter.js';
