// The footprint model's constants as data, each with the source it comes from and why that
// value was picked. docs/MODEL.md explains the formulas that use them; tests read them from here.
import type { Interval } from "../../types";

export interface Constant<T> {
  value: T;
  source: string;
}

/**
 * Model FLOPs utilisation (achieved / peak FLOP/s). The published figures are for large
 * transformers; convolution-dominated runs use CONV_MFU; small models are bounded by the
 * per-step floor instead (see docs/MODEL.md, "MFU").
 */
export const MFU: Constant<Interval> = {
  value: { low: 0.2, high: 0.5 },
  source:
    "Chowdhery et al. 2022 (PaLM) Table 3: 21.3% (GPT-3 on V100), 30.2% (Megatron-Turing NLG), 32.5% (Gopher), " +
    "46.2% (PaLM 540B); Narayanan et al. 2021 (Megatron-LM, SC21): 52% of A100 peak at 1T parameters",
};

/**
 * MFU of runs whose forward is at least half convolution. NVIDIA's published ResNet-50 training
 * throughput puts CNNs on tensor cores well below the transformer floor: 938 img/s × 3 × 8.18
 * GFLOPs = 14.7% of the A100's TF32 peak. The low end covers that; the high end stays MFU's.
 */
export const CONV_MFU: Constant<Interval> = {
  value: { low: 0.14, high: 0.5 },
  source:
    "NVIDIA DeepLearningExamples, PyTorch ResNet50 v1.5 README, training performance (pytorch-21.03 container): " +
    "1× A100 80GB 938 img/s TF32 and 2470 img/s mixed, 1× V100 16GB 1200 img/s mixed; at 3 × 8.18 GFLOPs per " +
    "image (torchvision resnet50, test/oracle/torchvision_zoo.py) that is 14.7% of 156 TF32 TFLOP/s, 19.4% of 312 " +
    "and 23.5% of 125 FP16 TFLOP/s (low end 0.14); high end: the transformer range (MFU)",
};

/**
 * The loop's own cost, measured by docs/model/measure_step_overhead.py (torch 1.13, 1 thread,
 * 2-core AMD EPYC VM): a full train step of a tiny MLP takes 0.262 ms (Python + autograd +
 * optimizer dispatch, the CPU path every GPU step takes before its kernels launch).
 */
export const STEP_DISPATCH_S: Constant<number> = {
  value: 0.000262,
  source: "measured in this project (docs/model/measure_step_overhead.py): 0.262 ms per train step of a tiny MLP",
};

/**
 * A forward-only model call under no_grad outside the training step (an RL policy acting on a
 * batch of 8 observations), measured by the same script and host: 0.061 ms for the tiny MLP,
 * about a third of its train step. Rollout collection pays it once per environment step.
 */
export const FORWARD_DISPATCH_S: Constant<number> = {
  value: 0.000061,
  source:
    "measured in this project (docs/model/measure_step_overhead.py): 0.061 ms per no-grad forward of a tiny MLP on a batch of 8",
};

/**
 * Data loading per sample when it is not overlapped with compute: 0 with enough loader workers;
 * 14.21 ms per batch of 64 MNIST-like PIL images through DataLoader(num_workers=0) with
 * ToTensor + Normalize = 0.222 ms per sample (same script and host).
 */
export const LOAD_PER_SAMPLE_S: Constant<Interval> = {
  value: { low: 0, high: 0.0142057 / 64 },
  source:
    "low: loading overlapped by DataLoader workers; high: measured in this project, 14.21 ms per batch of 64 " +
    "MNIST-like PIL images with num_workers=0 and ToTensor/Normalize (docs/model/measure_step_overhead.py)",
};

/** Average accelerator draw as a fraction of its rated power during training. */
export const POWER_FRACTION: Constant<Interval> = {
  value: { low: 0.6, high: 1.0 },
  source:
    "low: Strubell et al. 2019 Table 3 measured average system power / GPU TDP = 0.63-0.76 (P100x8 1415.78 W of 8 × 250 W PCIe TDP; " +
    "V100x64 12041.51 W of 19200 W), rounded down; high: rated TDP, the convention of ML CO2 Impact, BLOOM (Luccioni et al. 2023) " +
    "and the Llama 2/3 model cards",
};

/** Reference host for host power: NVIDIA DGX A100 (2× AMD EPYC 7742, 1 TB RAM, 8 GPUs). */
export const HOST_REFERENCE = {
  cpus: 2,
  cpuTdpW: 225,
  ramGB: 1024,
  accelerators: 8,
  source: "NVIDIA DGX A100 datasheet (2× AMD EPYC 7742, 1 TB system memory, 8× A100); AMD EPYC 7742 TDP 225 W",
};

/** CPU draw when it is not measured: half its TDP. */
export const CPU_TDP_FRACTION: Constant<number> = {
  value: 0.5,
  source: "CodeCarbon constant mode (50% of CPU TDP when no power counter is readable; mlco2/codecarbon#524)",
};

/** DRAM power per GB. */
export const RAM_W_PER_GB: Constant<number> = {
  value: 0.3725,
  source: "Lannelongue, Grealey & Inouye 2021, Green Algorithms (Advanced Science 8:2100707): 0.3725 W/GB",
};

/** Data-centre power usage effectiveness. */
export const PUE: Constant<Interval> = {
  value: { low: 1.1, high: 1.58 },
  source:
    "low: Google fleet-wide trailing-twelve-month PUE 1.10 (google.com/about/datacenters/efficiency); " +
    "high: Uptime Institute Global Data Center Survey 2023 average 1.58 (also the figure Strubell et al. 2019 used)",
};

/** Early-stopping what-if: the fraction of scheduled epochs actually run. A scenario, not a measurement. */
export const EARLY_STOP_FRACTION: Constant<number> = {
  value: 0.7,
  source:
    "scenario parameter: stop after 70% of the scheduled epochs (e.g. EarlyStopping(patience=...) on a plateaued " +
    "validation loss); the saving scales linearly with the epochs removed, so read it as 'per 30% of epochs saved'",
};

/** Loader what-if: worker processes to load batches in parallel with the training loop. A scenario. */
export const LOADER_WORKERS: Constant<number> = {
  value: 4,
  source:
    "scenario parameter: 4 DataLoader workers, a common starting point (torch.utils.data docs: num_workers > 0 " +
    "loads batches in worker processes while the loop runs); the un-overlapped loading per sample is divided by the workers",
};

/** Frozen-parameter cost: backward through frozen layers needs input gradients (2×) or nothing (1×, frozen at the input side). */
export const FROZEN_MULTIPLIER: Constant<Interval> = {
  value: { low: 1, high: 2 },
  source:
    "training = forward (1×) + input-gradient (1×) + weight-gradient (1×) per layer (Kaplan et al. 2020 §2.1, 6N = 3 × 2N); " +
    "frozen layers skip the weight gradient (2×) and, before the first trainable layer, the input gradient too (1×)",
};

/** 2:4 structured sparsity: at most 2× on tensor-core matmuls. */
export const SPARSITY_SPEEDUP: Constant<Interval> = {
  value: { low: 1, high: 2 },
  source:
    "NVIDIA A100 datasheet / Ampere architecture whitepaper: sparse Tensor Core peak is 2× dense; Mishra et al. 2021 " +
    "(arXiv:2104.08378) report up to ~1.5× end-to-end on real networks, so 1-2× on the compute part",
};
