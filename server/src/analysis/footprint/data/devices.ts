// The device catalog as data: peak throughput per precision and board power, one row per device,
// each with its source. Built from shared/data/accelerators.csv (datasheet figures; "dense" =
// without 2:4 sparsity, i.e. half the sparse headline). FP64 figures not in that file come from
// the same datasheets or from the architecture whitepaper's FP64:FP32 ratio, as noted per row.

export type DeviceKind = "gpu" | "tpu" | "cpu" | "mps" | "edge";

export interface DeviceRow {
  /** Stable id used in settings and directives ("a100-sxm4-80gb"). */
  id: string;
  name: string;
  /** Lower-case names a user may type (`# footprint: device a100 x8`, settings). */
  aliases: string[];
  kind: DeviceKind;
  /** Dense peak TFLOP/s (TOP/s for int8); null = not published or not supported. */
  peak: {
    fp64: number | null;
    fp32: number | null;
    tf32: number | null;
    fp16: number | null;
    bf16: number | null;
    int8: number | null;
  };
  /** Matrix units that run fp16/bf16 faster than fp32 (the mixed-precision what-if needs them). */
  tensorCores: boolean;
  /** 2:4 structured sparsity in hardware (NVIDIA Ampere and later). */
  sparsity24: boolean;
  /** Board/chip power in watts and what the figure is. null = not published. */
  powerW: number | null;
  powerKind: string;
  /** False for inference-only parts (Coral Edge TPU). */
  trains: boolean;
  /** Whether powerW already covers the whole machine (Apple: system power), so no host is added. */
  powerIncludesHost: boolean;
  source: string;
  sourceUrl: string;
}

const NV_A100 =
  "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf";

export const DEVICE_ROWS: DeviceRow[] = [
  {
    id: "h100-sxm5-80gb",
    name: "NVIDIA H100 SXM5 80GB",
    aliases: ["h100", "h100-sxm", "h100-sxm5", "h100 sxm"],
    kind: "gpu",
    peak: { fp64: 34, fp32: 67, tf32: 494.7, fp16: 989.4, bf16: 989.4, int8: 1978.9 },
    tensorCores: true,
    sparsity24: true,
    powerW: 700,
    powerKind: "max TDP (configurable)",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA H100 Tensor Core GPU datasheet (sparse headline figures halved for dense; FP64 34)",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/h100/",
  },
  {
    id: "h100-pcie-80gb",
    name: "NVIDIA H100 PCIe 80GB",
    aliases: ["h100-pcie", "h100 pcie"],
    kind: "gpu",
    peak: { fp64: 26, fp32: 51, tf32: 378, fp16: 756.5, bf16: 756.5, int8: 1513 },
    tensorCores: true,
    sparsity24: true,
    powerW: 350,
    powerKind: "max TDP",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA H100 datasheet; H100 PCIe product brief PB-11133 (350 W)",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/h100/",
  },
  {
    id: "h200-sxm-141gb",
    name: "NVIDIA H200 SXM 141GB",
    aliases: ["h200", "h200-sxm"],
    kind: "gpu",
    peak: { fp64: 34, fp32: 67, tf32: 494.7, fp16: 989.4, bf16: 989.4, int8: 1978.9 },
    tensorCores: true,
    sparsity24: true,
    powerW: 700,
    powerKind: "max TDP (configurable)",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA H200 Tensor Core GPU datasheet (same compute as H100 SXM; sparse figures halved)",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/h200/",
  },
  {
    id: "a100-sxm4-80gb",
    name: "NVIDIA A100 SXM4 80GB",
    aliases: ["a100", "a100-80gb", "a100-sxm", "a100-sxm4", "a100 80gb"],
    kind: "gpu",
    peak: { fp64: 9.7, fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    tensorCores: true,
    sparsity24: true,
    powerW: 400,
    powerKind: "max TDP",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf)",
    sourceUrl: NV_A100,
  },
  {
    id: "a100-sxm4-40gb",
    name: "NVIDIA A100 SXM4 40GB",
    aliases: ["a100-40gb", "a100 40gb"],
    kind: "gpu",
    peak: { fp64: 9.7, fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    tensorCores: true,
    sparsity24: true,
    powerW: 400,
    powerKind: "max TDP",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA A100 datasheet",
    sourceUrl: NV_A100,
  },
  {
    id: "a100-pcie-40gb",
    name: "NVIDIA A100 PCIe 40GB",
    aliases: ["a100-pcie", "a100 pcie"],
    kind: "gpu",
    peak: { fp64: 9.7, fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    tensorCores: true,
    sparsity24: true,
    powerW: 250,
    powerKind: "max TDP",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA A100 datasheet (peaks identical to SXM; sustained lower at 250 W)",
    sourceUrl: NV_A100,
  },
  {
    id: "a100-pcie-80gb",
    name: "NVIDIA A100 PCIe 80GB",
    aliases: [],
    kind: "gpu",
    peak: { fp64: 9.7, fp32: 19.5, tf32: 156, fp16: 312, bf16: 312, int8: 624 },
    tensorCores: true,
    sparsity24: true,
    powerW: 300,
    powerKind: "max TDP",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA A100 datasheet",
    sourceUrl: NV_A100,
  },
  {
    id: "v100-sxm2",
    name: "NVIDIA V100 SXM2",
    aliases: ["v100", "tesla v100"],
    kind: "gpu",
    // No BF16/TF32/INT8 tensor cores on Volta: bf16 falls back to the FP32 path.
    peak: { fp64: 7.8, fp32: 15.7, tf32: null, fp16: 125, bf16: null, int8: null },
    tensorCores: true,
    sparsity24: false,
    powerW: 300,
    powerKind: "max power",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA V100 datasheet (FP16 = tensor, mixed precision)",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/v100/",
  },
  {
    id: "v100-pcie",
    name: "NVIDIA V100 PCIe",
    aliases: [],
    kind: "gpu",
    peak: { fp64: 7, fp32: 14, tf32: null, fp16: 112, bf16: null, int8: null },
    tensorCores: true,
    sparsity24: false,
    powerW: 250,
    powerKind: "max power",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA V100 datasheet",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/v100/",
  },
  {
    id: "t4",
    name: "NVIDIA T4",
    aliases: ["tesla t4"],
    kind: "gpu",
    // FP64 not in the T4 datasheet; Turing TU104 runs FP64 at 1/32 of FP32 (Turing whitepaper).
    peak: { fp64: 0.253, fp32: 8.1, tf32: null, fp16: 65, bf16: null, int8: 130 },
    tensorCores: true,
    sparsity24: false,
    powerW: 70,
    powerKind: "max power",
    trains: true,
    powerIncludesHost: false,
    source:
      "NVIDIA T4 datasheet (t4-tensor-core-datasheet-951643.pdf); FP64 = FP32/32 per NVIDIA Turing architecture whitepaper",
    sourceUrl:
      "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/tesla-t4/t4-tensor-core-datasheet-951643.pdf",
  },
  {
    id: "l4",
    name: "NVIDIA L4",
    aliases: [],
    kind: "gpu",
    // FP64 not in the L4 datasheet; Ada runs FP64 at 1/64 of FP32 (Ada architecture whitepaper).
    peak: { fp64: 0.473, fp32: 30.3, tf32: 60, fp16: 121, bf16: 121, int8: 242.5 },
    tensorCores: true,
    sparsity24: true,
    powerW: 72,
    powerKind: "max power",
    trains: true,
    powerIncludesHost: false,
    source:
      "NVIDIA L4 datasheet (sparse figures halved); FP64 = FP32/64 per NVIDIA Ada Lovelace architecture whitepaper",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/l4/",
  },
  {
    id: "a10",
    name: "NVIDIA A10",
    aliases: [],
    kind: "gpu",
    // GA102: FP64 at 1/64 of FP32 (Ampere GA102 whitepaper).
    peak: { fp64: 0.488, fp32: 31.2, tf32: 62.5, fp16: 125, bf16: 125, int8: 250 },
    tensorCores: true,
    sparsity24: true,
    powerW: 150,
    powerKind: "max power",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA A10 datasheet (sparse figures halved); FP64 = FP32/64 per NVIDIA Ampere GA102 whitepaper",
    sourceUrl: "https://www.nvidia.com/en-us/data-center/products/a10-gpu/",
  },
  {
    id: "a10g",
    name: "NVIDIA A10G (AWS G5)",
    aliases: [],
    kind: "gpu",
    // NVIDIA publishes no A10G datasheet; tensor throughput is not published, so only FP32 is priced.
    peak: { fp64: 0.4925, fp32: 31.52, tf32: null, fp16: null, bf16: null, int8: null },
    tensorCores: true,
    sparsity24: true,
    powerW: 150,
    powerKind: "TDP per TechPowerUp (nvidia-smi on g5 reports a 300 W limit)",
    trains: true,
    powerIncludesHost: false,
    source: "TechPowerUp A10G spec (via ML CO2 Impact gpus.csv); CCF max 153 W; FP64 = FP32/64 (GA102)",
    sourceUrl: "https://www.techpowerup.com/gpu-specs/a10g.c3798",
  },
  {
    id: "rtx-3090",
    name: "NVIDIA GeForce RTX 3090",
    aliases: ["3090", "rtx3090", "rtx 3090", "geforce rtx 3090"],
    kind: "gpu",
    // Tensor FP16/BF16 with FP32 accumulate (what autocast uses) is 71 TFLOPS, not the 142 FP16-accumulate figure.
    peak: { fp64: 0.556, fp32: 35.6, tf32: 35.6, fp16: 71, bf16: 71, int8: 284 },
    tensorCores: true,
    sparsity24: true,
    powerW: 350,
    powerKind: "total graphics power",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA Ampere GA102 GPU architecture whitepaper v2 (appendix table; FP64 = FP32/64)",
    sourceUrl: "https://www.nvidia.com/content/PDF/nvidia-ampere-ga-102-gpu-architecture-whitepaper-v2.pdf",
  },
  {
    id: "rtx-4090",
    name: "NVIDIA GeForce RTX 4090",
    aliases: ["4090", "rtx4090", "rtx 4090", "geforce rtx 4090"],
    kind: "gpu",
    peak: { fp64: 1.29, fp32: 82.6, tf32: 82.6, fp16: 165.2, bf16: 165.2, int8: 660.6 },
    tensorCores: true,
    sparsity24: true,
    powerW: 450,
    powerKind: "total graphics power",
    trains: true,
    powerIncludesHost: false,
    source: "NVIDIA Ada Lovelace GPU architecture whitepaper v2.1 (FP16/BF16 with FP32 accumulate; FP64 = FP32/64)",
    sourceUrl: "https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf",
  },
  {
    id: "tpu-v3",
    name: "Google TPU v3 (per chip)",
    aliases: ["tpuv3", "tpu v3"],
    kind: "tpu",
    // XLA runs fp32 matmuls through the bf16 MXU passes by default, so fp32 is priced at the bf16 peak.
    peak: { fp64: null, fp32: 123, tf32: null, fp16: null, bf16: 123, int8: null },
    tensorCores: true,
    sparsity24: false,
    powerW: 262,
    powerKind: "measured max (min/mean/max 123/220/262 W)",
    trains: true,
    powerIncludesHost: false,
    source: "Google Cloud TPU v3 documentation",
    sourceUrl: "https://cloud.google.com/tpu/docs/v3",
  },
  {
    id: "tpu-v4",
    name: "Google TPU v4 (per chip)",
    aliases: ["tpu", "tpuv4", "tpu v4"],
    kind: "tpu",
    peak: { fp64: null, fp32: 275, tf32: null, fp16: null, bf16: 275, int8: 275 },
    tensorCores: true,
    sparsity24: false,
    powerW: 192,
    powerKind: "measured max (min/mean/max 90/170/192 W)",
    trains: true,
    powerIncludesHost: false,
    source: "Google Cloud TPU v4 documentation (275 TFLOPS bf16 or int8)",
    sourceUrl: "https://cloud.google.com/tpu/docs/v4",
  },
  {
    id: "apple-m1",
    name: "Apple M1 (8-core GPU)",
    aliases: ["m1", "mps", "apple", "apple-silicon"],
    kind: "mps",
    peak: { fp64: null, fp32: 2.6, tf32: null, fp16: null, bf16: null, int8: null },
    tensorCores: false,
    sparsity24: false,
    powerW: 39,
    powerKind: "Mac mini (M1, 2020) whole-system max; no chip TDP published",
    trains: true,
    powerIncludesHost: true,
    source: "Apple newsroom (M1, 2.6 TFLOPS GPU); Apple support: Mac mini power consumption",
    sourceUrl: "https://support.apple.com/en-us/HT201897",
  },
  {
    id: "coral-edge-tpu",
    name: "Google Coral Edge TPU",
    aliases: ["coral", "edgetpu", "edge-tpu"],
    kind: "edge",
    peak: { fp64: null, fp32: null, tf32: null, fp16: null, bf16: null, int8: 4 },
    tensorCores: false,
    sparsity24: false,
    powerW: 2,
    powerKind: "2 W at 4 TOPS (0.5 W per TOPS)",
    trains: false,
    powerIncludesHost: false,
    source: "Coral technology page / Edge TPU FAQ (INT8 only, inference only)",
    sourceUrl: "https://coral.ai/technology",
  },
  {
    id: "xeon-8480",
    name: "Intel Xeon Platinum 8480+ (56 cores)",
    aliases: ["cpu", "xeon", "sapphire-rapids"],
    kind: "cpu",
    // Derived: 56 cores × 2.0 GHz × FLOP/cycle (AVX-512 2×FMA: 64 FP32, 32 FP64; AMX: 1024 BF16).
    peak: { fp64: 3.6, fp32: 7.2, tf32: null, fp16: null, bf16: 114.7, int8: 229 },
    tensorCores: true,
    sparsity24: false,
    powerW: 350,
    powerKind: "TDP",
    trains: true,
    powerIncludesHost: false,
    source:
      "Intel ARK (TDP 350 W; CodeCarbon cpu_power.csv agrees); peaks derived from cores × base clock × FLOP/cycle",
    sourceUrl: "https://ark.intel.com/",
  },
  {
    id: "epyc-9654",
    name: "AMD EPYC 9654 (96 cores)",
    aliases: ["epyc", "genoa"],
    kind: "cpu",
    // Derived: 96 cores × 2.4 GHz × 32 FP32 FLOP/cycle (Zen 4, 2×256-bit FMA); FP64 half of that.
    peak: { fp64: 3.7, fp32: 7.4, tf32: null, fp16: null, bf16: null, int8: null },
    tensorCores: false,
    sparsity24: false,
    powerW: 360,
    powerKind: "TDP",
    trains: true,
    powerIncludesHost: false,
    source: "AMD EPYC 9654 product page (TDP 360 W; CodeCarbon cpu_power.csv agrees); peak derived",
    sourceUrl:
      "https://www.amd.com/en/products/processors/server/epyc/4th-generation-9004-and-8004-series/amd-epyc-9654.html",
  },
];
