// Device lookup (ids and aliases from settings and directives) and the peak throughput a run
// gets at its precision, with the fallback taken when the device lacks that precision's units.
import type { Precision } from "../types";
import { DEVICE_ROWS, type DeviceKind, type DeviceRow } from "./data/devices";

export type { DeviceRow } from "./data/devices";

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/^nvidia[\s-]+/, "")
    .replace(/[_\s]+/g, "-");

/** Finds a device by id, alias or a loose spelling ("A100", "nvidia-a100-80gb", "RTX_4090"); null if unknown. */
export function findDevice(idOrAlias: string): DeviceRow | null {
  const want = norm(idOrAlias);
  if (!want) return null;
  for (const d of DEVICE_ROWS) {
    if (d.id === want || d.aliases.some((a) => norm(a) === want)) return d;
  }
  return null;
}

/** The catalog's representative device for a device kind the script names without a model. */
export function defaultDeviceForKind(kind: DeviceKind, settingsDevice: DeviceRow | null): DeviceRow {
  if (settingsDevice && settingsDevice.kind === kind) return settingsDevice;
  const byKind: Record<DeviceKind, string> = {
    gpu: "a100-sxm4-80gb",
    tpu: "tpu-v4",
    cpu: "xeon-8480",
    mps: "apple-m1",
    edge: "coral-edge-tpu",
  };
  return findDevice(byKind[kind]) as DeviceRow;
}

export interface PeakChoice {
  /** Dense peak in FLOP/s. */
  flops: number;
  /** Which of the device's peaks priced the run ("fp32", "bf16"...). */
  column: keyof DeviceRow["peak"];
  /** Set when the run's precision had no peak on this device and another column stood in. */
  fallback: string | null;
  /** Set when fp32 work is split between TF32 and FP32 units (framework defaults). */
  mix: string | null;
}

/** Which peak column a precision runs at when the device has it. */
const COLUMN: Record<Precision, keyof DeviceRow["peak"]> = {
  fp64: "fp64",
  fp32: "fp32",
  tf32: "tf32",
  "fp16-mixed": "fp16",
  fp16: "fp16",
  "bf16-mixed": "bf16",
  bf16: "bf16",
  int8: "int8",
};

/**
 * Peak FLOP/s for a precision; falls back to the FP32 path (then any published peak) when the units
 * are missing. For fp32 on TF32-capable devices, `tf32Share` of the FLOPs run at the TF32 peak (the
 * framework's default: PyTorch convolutions, every TensorFlow op) and the rest at FP32: the effective
 * peak is the harmonic mix 1 / (s/tf32 + (1−s)/fp32).
 */
export function peakFor(device: DeviceRow, precision: Precision, tf32Share = 0): PeakChoice | null {
  const column = COLUMN[precision];
  const direct = device.peak[column];
  if (precision === "fp32" && direct !== null && device.peak.tf32 !== null && tf32Share > 0) {
    const s = Math.min(1, tf32Share);
    const mixed = 1 / (s / device.peak.tf32 + (1 - s) / direct);
    return {
      flops: mixed * 1e12,
      column: s === 1 ? "tf32" : "fp32",
      fallback: null,
      mix: `${Math.round(s * 100)}% of FLOPs at the TF32 peak (${device.peak.tf32}), the rest at FP32 (${direct}): ${+mixed.toPrecision(3)} TFLOP/s`,
    };
  }
  if (direct !== null) return { flops: direct * 1e12, column, fallback: null, mix: null };
  const order: Array<keyof DeviceRow["peak"]> = ["fp32", "bf16", "fp16", "tf32", "int8"];
  for (const c of order) {
    const v = device.peak[c];
    if (v !== null) {
      return {
        flops: v * 1e12,
        column: c,
        fallback: `${device.name} publishes no ${column} peak; priced at its ${c} peak (${v} TFLOP/s)`,
        mix: null,
      };
    }
  }
  return null;
}

/** True when mixed precision has faster units than FP32 on this device. */
export function hasFasterHalfPrecision(device: DeviceRow): boolean {
  const half = Math.max(device.peak.bf16 ?? 0, device.peak.fp16 ?? 0);
  return device.tensorCores && device.peak.fp32 !== null && half > device.peak.fp32;
}

/** The mixed precision a device prefers: bf16 where it has it (no loss scaling), else fp16. */
export function preferredMixed(device: DeviceRow): Precision {
  return device.peak.bf16 !== null ? "bf16-mixed" : "fp16-mixed";
}
