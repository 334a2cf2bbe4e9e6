/**
 * The planner's default assumptions, each with its source, year and unit. They are printed with
 * every plan (the `assumptions` of the result) and each one has a flag to change it.
 */
/**
 * FLOPs per parameter per training token: forward 2ND + backward 4ND (Kaplan et al., "Scaling Laws
 * for Neural Language Models", arXiv:2001.08361, 2020, section 2.1: C ~ 6NBS). Unitless.
 */
export const TRAINING_FLOPS_PER_PARAM_TOKEN = 6;

/**
 * Model FLOPs utilisation, fraction of dense peak: Meta reports 38-43 % BF16 MFU for Llama 3 405B
 * on 8,192-16,384 H100s (Llama Team, "The Llama 3 Herd of Models", arXiv:2407.21783, 2024,
 * Table 4); 0.40 sits inside that range. PaLM 540B reached 46.2 % on TPU v4 (Chowdhery et al.,
 * arXiv:2204.02311, 2022, Table 3). Smaller teams often see less: pass --mfu.
 */
export const DEFAULT_MFU = 0.4;

/**
 * Accelerator power between idle and TDP at the default MFU, 0..1: an 8 x H100 node training
 * compute-intensive models drew 76 % of its 10.2 kW rating (Newkirk et al., "Empirically-Calibrated
 * H100 Node Power Models...", arXiv:2506.14551, 2025; peak 8.4 kW in Latif et al., arXiv:2412.08602,
 * 2024). greenml anchors that share at DEFAULT_MFU and scales the dynamic part with MFU.
 */
export const DEFAULT_POWER_UTILIZATION = 0.76;

/**
 * Bytes of model state per parameter in mixed-precision Adam training: fp16 weights 2 + fp16
 * gradients 2 + fp32 weights, momentum and variance 12 (Rajbhandari et al., "ZeRO", arXiv:1910.02054,
 * 2020, section 3.1). Activations come on top and are not counted.
 */
export const DEFAULT_BYTES_PER_PARAM = 16;

/**
 * Extra running time on spot, fraction (greenml assumption, 2026, not a measurement): a checkpoint
 * every 30 min that blocks for 1 min (3.3 %), plus one interruption every 8 h costing a 10 min
 * restart and on average 15 min of lost work (25 min / 8 h = 5.2 %), rounded up to 10 %.
 */
export const DEFAULT_SPOT_OVERHEAD = 0.1;

/**
 * Region of the default current choice: AWS us-east-1, the console's default region and AWS's
 * largest (greenml convention, 2026). The default current choice is the cheapest feasible
 * on-demand option there.
 */
export const DEFAULT_CURRENT_REGION = 'aws:us-east-1';

/** Cheapest-first fallbacks for a precision an accelerator has no figure for (documented in docs/planning.md). */
export const PRECISION_FALLBACK: Readonly<Partial<Record<string, string>>> = {
  // bf16 and fp16 tensor rates are equal on Ampere and later; Volta and Turing train in fp16 with loss scaling.
  bf16: 'fp16',
  fp16: 'bf16',
  // Pre-Ampere GPUs have no TF32: PyTorch falls back to plain FP32 there.
  tf32: 'fp32',
};

export const ASSUMPTION_SOURCES = {
  flops: 'Kaplan et al., Scaling Laws for Neural Language Models, arXiv:2001.08361 (2020), section 2.1',
  mfu: 'Llama Team, The Llama 3 Herd of Models, arXiv:2407.21783 (2024), Table 4 (38-43 % BF16 MFU on H100)',
  power: 'Newkirk et al., arXiv:2506.14551 (2025): H100 nodes at 76 % of rated power in compute-intensive training',
  bytesPerParam: 'Rajbhandari et al., ZeRO, arXiv:1910.02054 (2020), section 3.1',
  spot: 'greenml assumption (2026): 30 min checkpoints blocking 1 min, one interruption per 8 h costing 25 min',
  host: 'Cloud Carbon Footprint per-vCPU linear model and 0.392 W/GB memory coefficient (2021), 50 % average CPU utilisation',
} as const;
