/**
 * The accelerators greenml knows, the Epoch AI row each one starts from, and every correction
 * applied on top of Epoch (with the datasheet that justifies it). Performance figures are dense
 * (no structured sparsity): where a datasheet quotes "with sparsity" (*) the value is halved.
 * `fp16TflopsDense` is the tensor-core FP16 rate (FP32 accumulate where quoted), not the CUDA-core
 * rate Epoch keeps in its non-tensor FP16 column.
 *
 * fix: { field, value, sourceId, quality, reason }. A fix with value null removes a wrong figure.
 * idle: the CCF (Teads) per-GPU idle watts where one was measured on this GPU family.
 */

export const ACCELERATORS = [
  {
    id: 'nvidia-t4', name: 'NVIDIA T4', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Turing', memoryType: 'GDDR6',
    epoch: 'NVIDIA Tesla T4',
    aliases: ['T4', 'nvidia-tesla-t4', 'Tesla T4', 'NVIDIA Tesla T4'],
    idle: { ccfKey: 'Nvidia T4', quality: 'measured' },
    fixes: [
      { field: 'fp16TflopsDense', value: 65, sourceId: 'nvidia-t4-datasheet', quality: 'official', reason: 'Epoch files the 65 TFLOPS tensor figure under non-tensor FP16 and leaves the tensor column empty; datasheet: mixed-precision FP16/FP32 65 TFLOPS' },
      { field: 'int8TopsDense', value: 130, sourceId: 'nvidia-t4-datasheet', quality: 'official', reason: 'missing in Epoch; datasheet: INT8 130 TOPS (Turing has no sparsity)' },
      { field: 'bf16TflopsDense', value: null, sourceId: 'nvidia-t4-datasheet', quality: 'official', reason: 'Turing has no BF16 tensor support' },
    ],
  },
  {
    id: 'nvidia-l4', name: 'NVIDIA L4', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ada Lovelace', memoryType: 'GDDR6',
    epoch: 'NVIDIA L4',
    aliases: ['L4', 'NVIDIA L4', 'nvidia-l4-24gb'],
    fixes: [
      { field: 'fp8TflopsDense', value: 242.5, sourceId: 'nvidia-l4-datasheet', quality: 'official', reason: 'missing in Epoch; datasheet FP8 485 TFLOPS with sparsity, halved' },
    ],
  },
  {
    id: 'nvidia-a10g', name: 'NVIDIA A10G', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ampere', memoryType: 'GDDR6',
    epoch: 'NVIDIA A10G',
    aliases: ['A10G', 'NVIDIA A10G'],
    idle: { ccfKey: 'Nvidia A10G', quality: 'measured' },
    fixes: [
      { field: 'tdpW', value: 150, sourceId: 'epoch-ml-hardware', quality: 'estimated', reason: 'A10G is an AWS-only SKU with no NVIDIA datasheet; 150 W (Epoch, from TechPowerUp) is consistent with the 153 W CCF/Teads measured at 100 % load' },
      { field: 'tf32TflopsDense', value: 35, sourceId: 'baseten-a10-vs-a10g', quality: 'estimated', reason: 'no NVIDIA datasheet for A10G; published comparison of A10 and A10G specifications' },
      { field: 'bf16TflopsDense', value: 70, sourceId: 'baseten-a10-vs-a10g', quality: 'estimated', reason: 'no NVIDIA datasheet for A10G; published comparison of A10 and A10G specifications' },
      { field: 'fp16TflopsDense', value: 70, sourceId: 'baseten-a10-vs-a10g', quality: 'estimated', reason: 'Epoch has the CUDA-core FP16 rate only; published A10G tensor FP16 figure' },
      { field: 'int8TopsDense', value: 140, sourceId: 'baseten-a10-vs-a10g', quality: 'estimated', reason: 'missing in Epoch; published A10G INT8 tensor figure' },
    ],
  },
  {
    id: 'nvidia-a10', name: 'NVIDIA A10', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ampere', memoryType: 'GDDR6',
    epoch: null, sourceId: 'nvidia-a10-datasheet', releaseDate: '2021-04-12',
    aliases: ['A10', 'NVIDIA A10'],
    fixes: [
      { field: 'tdpW', value: 150, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch' },
      { field: 'fp32Tflops', value: 31.2, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch' },
      { field: 'tf32TflopsDense', value: 62.5, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch; 125 with sparsity' },
      { field: 'bf16TflopsDense', value: 125, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch; 250 with sparsity' },
      { field: 'fp16TflopsDense', value: 125, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch; 250 with sparsity' },
      { field: 'int8TopsDense', value: 250, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch; 500 with sparsity' },
      { field: 'memoryGb', value: 24, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch' },
      { field: 'memoryBandwidthGbPerS', value: 600, sourceId: 'nvidia-a10-datasheet', quality: 'official', reason: 'not in Epoch' },
    ],
  },
  {
    id: 'nvidia-l40s', name: 'NVIDIA L40S', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ada Lovelace', memoryType: 'GDDR6',
    epoch: null, sourceId: 'nvidia-l40s-datasheet', releaseDate: '2023-08-08',
    aliases: ['L40S', 'NVIDIA L40S'],
    fixes: [
      { field: 'tdpW', value: 350, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'L40S is absent from Epoch' },
      { field: 'fp32Tflops', value: 91.6, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch (mlco2 gpus.csv lists 183 as "TFLOPS32", which is the TF32 tensor rate)' },
      { field: 'tf32TflopsDense', value: 183, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch; 366 with sparsity' },
      { field: 'bf16TflopsDense', value: 362.05, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch; 733 with sparsity' },
      { field: 'fp16TflopsDense', value: 362.05, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch; 733 with sparsity' },
      { field: 'fp8TflopsDense', value: 733, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch; 1,466 with sparsity' },
      { field: 'int8TopsDense', value: 733, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch; 1,466 with sparsity' },
      { field: 'memoryGb', value: 48, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch' },
      { field: 'memoryBandwidthGbPerS', value: 864, sourceId: 'nvidia-l40s-datasheet', quality: 'official', reason: 'absent from Epoch' },
    ],
  },
  {
    id: 'nvidia-v100-pcie-16gb', name: 'NVIDIA V100 PCIe 16 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Volta', memoryType: 'HBM2',
    epoch: 'NVIDIA Tesla V100 PCIe 16 GB',
    aliases: ['V100-PCIE', 'v100-pcie', 'Tesla V100-PCIE-16GB'],
    fixes: [
      { field: 'bf16TflopsDense', value: null, sourceId: 'nvidia-v100-datasheet', quality: 'official', reason: 'Volta tensor cores have no BF16; Epoch\'s combined FP16/BF16 tensor figure is FP16 only' },
    ],
  },
  {
    id: 'nvidia-v100-sxm2-16gb', name: 'NVIDIA V100 SXM2 16 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Volta', memoryType: 'HBM2',
    epoch: 'NVIDIA Tesla V100 SXM2 16 GB',
    aliases: ['V100', 'nvidia-tesla-v100', 'NVIDIA V100', 'v100-16gb', 'Tesla V100-SXM2-16GB'],
    idle: { ccfKey: 'Nvidia Tesla V100', quality: 'measured' },
    fixes: [
      { field: 'memoryGb', value: 16, sourceId: 'nvidia-v100-datasheet', quality: 'official', reason: 'memory empty in Epoch' },
      { field: 'bf16TflopsDense', value: null, sourceId: 'nvidia-v100-datasheet', quality: 'official', reason: 'Volta tensor cores have no BF16' },
    ],
  },
  {
    id: 'nvidia-v100-sxm2-32gb', name: 'NVIDIA V100 SXM2 32 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Volta', memoryType: 'HBM2',
    epoch: 'NVIDIA Tesla V100 SXM2 32 GB',
    aliases: ['V100-32GB', 'v100-32gb', 'Tesla V100-SXM2-32GB'],
    idle: { ccfKey: 'Nvidia Tesla V100', quality: 'derived' },
    fixes: [
      { field: 'bf16TflopsDense', value: null, sourceId: 'nvidia-v100-datasheet', quality: 'official', reason: 'Volta tensor cores have no BF16' },
    ],
  },
  {
    id: 'nvidia-a100-pcie-40gb', name: 'NVIDIA A100 PCIe 40 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ampere', memoryType: 'HBM2',
    epoch: 'NVIDIA A100 PCIe',
    aliases: ['A100-PCIE-40GB', 'a100-pcie', 'NVIDIA A100-PCIE-40GB'],
    fixes: [
      { field: 'tdpW', value: 250, sourceId: 'nvidia-a100-datasheet', quality: 'official', reason: 'Epoch\'s "A100 PCIe" row mixes the 40 GB and 80 GB SKUs (300 W is the 80 GB card); datasheet: 40 GB PCIe 250 W' },
      { field: 'memoryBandwidthGbPerS', value: 1555, sourceId: 'nvidia-a100-datasheet', quality: 'official', reason: 'Epoch\'s 1,940 GB/s is the 80 GB PCIe figure; datasheet: 1,555 GB/s' },
    ],
  },
  {
    id: 'nvidia-a100-pcie-80gb', name: 'NVIDIA A100 PCIe 80 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Ampere', memoryType: 'HBM2e',
    epoch: 'NVIDIA A100 PCIe',
    aliases: ['A100-PCIE-80GB', 'a100-80gb-pcie', 'NVIDIA A100 80GB PCIe'],
    fixes: [
      { field: 'memoryGb', value: 80, sourceId: 'nvidia-a100-datasheet', quality: 'official', reason: 'Epoch\'s "A100 PCIe" row lists 40 GB' },
      { field: 'memoryBandwidthGbPerS', value: 1935, sourceId: 'nvidia-a100-datasheet', quality: 'official', reason: 'datasheet: 80 GB PCIe 1,935 GB/s (Epoch 1,940)' },
    ],
  },
  {
    id: 'nvidia-a100-sxm4-40gb', name: 'NVIDIA A100 SXM4 40 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Ampere', memoryType: 'HBM2',
    epoch: 'NVIDIA A100 SXM4 40 GB',
    aliases: ['A100', 'a100-40gb', 'nvidia-tesla-a100', 'NVIDIA A100', 'A100-SXM4-40GB', 'NVIDIA A100-SXM4-40GB'],
    idle: { ccfKey: 'Nvidia Tesla A100', quality: 'measured' },
    fixes: [
      { field: 'memoryBandwidthGbPerS', value: 1555, sourceId: 'nvidia-a100-datasheet', quality: 'official', reason: 'datasheet: 1,555 GB/s (Epoch 1,560)' },
    ],
  },
  {
    id: 'nvidia-a100-sxm4-80gb', name: 'NVIDIA A100 SXM4 80 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Ampere', memoryType: 'HBM2e',
    epoch: 'NVIDIA A100 SXM4 80 GB',
    aliases: ['A100-80GB', 'nvidia-a100-80gb', 'A100-SXM4-80GB', 'NVIDIA A100-SXM4-80GB'],
    idle: { ccfKey: 'Nvidia Tesla A100', quality: 'derived' },
    fixes: [],
  },
  {
    id: 'nvidia-h100-pcie-80gb', name: 'NVIDIA H100 PCIe 80 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Hopper', memoryType: 'HBM2e',
    epoch: 'NVIDIA H100 PCIe',
    aliases: ['H100-PCIE', 'h100-pcie', 'NVIDIA H100 PCIe'],
    fixes: [
      { field: 'fp8TflopsDense', value: 1513, sourceId: 'nvidia-h100-datasheet', quality: 'official', reason: 'missing in Epoch; datasheet 3,026 with sparsity, halved' },
      { field: 'int8TopsDense', value: 1513, sourceId: 'nvidia-h100-datasheet', quality: 'official', reason: 'missing in Epoch; datasheet 3,026 with sparsity, halved' },
    ],
  },
  {
    id: 'nvidia-h100-sxm5-80gb', name: 'NVIDIA H100 SXM5 80 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Hopper', memoryType: 'HBM3',
    epoch: 'NVIDIA H100 SXM5 80GB',
    aliases: ['H100', 'H100-80GB', 'nvidia-h100-80gb', 'NVIDIA H100', 'H100-SXM5', 'H100-SXM', 'H100-MEGA', 'nvidia-h100-mega-80gb', 'NVIDIA H100 80GB HBM3'],
    fixes: [
      { field: 'fp8TflopsDense', value: 1979, sourceId: 'nvidia-h100-datasheet', quality: 'official', reason: 'missing in Epoch; datasheet 3,958 with sparsity, halved' },
    ],
  },
  {
    id: 'nvidia-h100-nvl-94gb', name: 'NVIDIA H100 NVL 94 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'pcie', architecture: 'Hopper', memoryType: 'HBM3',
    epoch: 'NVIDIA H100 NVL',
    aliases: ['H100-NVL', 'NVIDIA H100 NVL'],
    fixes: [
      { field: 'fp32Tflops', value: 60, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'missing in Epoch' },
      { field: 'tf32TflopsDense', value: 417.5, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'missing in Epoch; 835 with sparsity' },
      { field: 'bf16TflopsDense', value: 835.5, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'Epoch files 835.5 under non-tensor FP16; it is the dense tensor rate (1,671 with sparsity)' },
      { field: 'fp16TflopsDense', value: 835.5, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'as for BF16' },
      { field: 'fp8TflopsDense', value: 1670.5, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'missing in Epoch; 3,341 with sparsity' },
      { field: 'int8TopsDense', value: 1670.5, sourceId: 'nvidia-h100-nvl-brief', quality: 'official', reason: 'missing in Epoch; 3,341 with sparsity' },
    ],
  },
  {
    id: 'nvidia-h200-sxm-141gb', name: 'NVIDIA H200 SXM 141 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Hopper', memoryType: 'HBM3e',
    epoch: 'NVIDIA H200 SXM',
    aliases: ['H200', 'nvidia-h200-141gb', 'NVIDIA H200', 'H200-SXM'],
    fixes: [],
  },
  {
    id: 'nvidia-b200-180gb', name: 'NVIDIA B200 180 GB', vendor: 'nvidia', kind: 'gpu', formFactor: 'sxm', architecture: 'Blackwell', memoryType: 'HBM3e',
    epoch: 'NVIDIA B200',
    aliases: ['B200', 'nvidia-b200', 'NVIDIA B200', 'NVIDIA B200 Blackwell'],
    fixes: [],
  },
  {
    id: 'google-tpu-v4', name: 'Google TPU v4', vendor: 'google', kind: 'tpu', formFactor: 'chip', architecture: 'TPU v4', memoryType: 'HBM2',
    epoch: 'Google TPU v4', tdpQuality: 'estimated',
    aliases: ['tpu-v4', 'TPU v4', 'tpuv4'],
    notes: ['Google publishes no TPU TDP; 340 W is an Epoch estimate. Green Algorithms uses 170 W, the mean power reported in the TPU v4 paper, not a TDP.'],
    fixes: [],
  },
  {
    id: 'google-tpu-v5e', name: 'Google TPU v5e', vendor: 'google', kind: 'tpu', formFactor: 'chip', architecture: 'TPU v5e', memoryType: 'HBM2',
    epoch: 'Google TPU v5e', tdpQuality: 'estimated',
    aliases: ['tpu-v5e', 'TPU v5e', 'tpu-v5-lite', 'tpu-v5litepod', 'v5litepod'],
    notes: ['Google publishes no TPU TDP; 225 W is the NextPlatform estimate Epoch uses (SemiAnalysis estimates ~300 W).'],
    fixes: [],
  },
  {
    id: 'google-tpu-v5p', name: 'Google TPU v5p', vendor: 'google', kind: 'tpu', formFactor: 'chip', architecture: 'TPU v5p', memoryType: 'HBM2e',
    epoch: 'Google TPU v5p', tdpQuality: 'estimated',
    aliases: ['tpu-v5p', 'TPU v5p'],
    notes: ['Google publishes no TPU TDP; 540 W is an Epoch estimate.'],
    fixes: [],
  },
  {
    id: 'google-tpu-v6e', name: 'Google TPU v6e (Trillium)', vendor: 'google', kind: 'tpu', formFactor: 'chip', architecture: 'TPU v6e', memoryType: 'HBM',
    epoch: 'Google TPU v6e Trillium', tdpQuality: 'estimated',
    aliases: ['tpu-v6e', 'TPU v6e', 'trillium'],
    notes: ['Google publishes no TPU TDP; 380 W is an Epoch estimate.'],
    fixes: [
      { field: 'fp8TflopsDense', value: null, sourceId: 'google-tpu-docs', quality: 'official', reason: 'Epoch repeats the BF16 peak as FP8; Google publishes only BF16 (918 TFLOPS) and INT8 (1,836 TOPS) peaks for v6e' },
    ],
  },
  {
    id: 'aws-inferentia2', name: 'AWS Inferentia2', vendor: 'aws', kind: 'asic', formFactor: 'chip', architecture: 'NeuronCore-v2', memoryType: 'HBM',
    epoch: 'AWS Inferentia2',
    aliases: ['Inferentia2', 'inf2', 'AWS Inferentia2'],
    notes: ['AWS publishes no chip TDP. 200 W is the generic accelerator default of Green Algorithms ("Any" GPU), used here as an explicit placeholder.', 'Memory: AWS quotes 32 GiB of HBM per chip; greenml stores the vendor\'s nominal figure.'],
    fixes: [
      { field: 'tdpW', value: 200, sourceId: 'ga-tdp-gpu', quality: 'estimated', reason: 'TDP empty in Epoch and unpublished by AWS; generic 200 W accelerator default (Green Algorithms "Any")' },
    ],
  },
  {
    id: 'aws-trainium1', name: 'AWS Trainium', vendor: 'aws', kind: 'asic', formFactor: 'chip', architecture: 'NeuronCore-v2', memoryType: 'HBM',
    epoch: 'Amazon Trainium1',
    aliases: ['Trainium', 'trainium1', 'trn1', 'AWS Trainium'],
    notes: ['AWS publishes no chip TDP. 200 W is the generic accelerator default of Green Algorithms ("Any" GPU), used here as an explicit placeholder.', 'Memory: AWS quotes 32 GiB of HBM per chip.'],
    fixes: [
      { field: 'tdpW', value: 200, sourceId: 'ga-tdp-gpu', quality: 'estimated', reason: 'TDP empty in Epoch and unpublished by AWS; generic 200 W accelerator default (Green Algorithms "Any")' },
    ],
  },
  {
    id: 'aws-trainium2', name: 'AWS Trainium2', vendor: 'aws', kind: 'asic', formFactor: 'chip', architecture: 'NeuronCore-v3', memoryType: 'HBM3',
    epoch: 'Amazon Trainium2', tdpQuality: 'estimated',
    aliases: ['Trainium2', 'trn2', 'AWS Trainium2'],
    notes: ['AWS publishes no chip TDP; 500 W is the SemiAnalysis estimate Epoch uses.'],
    fixes: [],
  },
];

/** Teads idle/max ratio over T4 (8/71), A10G (18/153), V100 (35/306), A100 (46/407) in CCF: 0.11-0.12. */
export const IDLE_FRACTION_OF_TDP = 0.11;
/** CCF flat embodied emissions per GPU (kgCO2e), also the Impact Framework sci-embodied default. */
export const EMBODIED_KG_PER_ACCELERATOR = 150;
