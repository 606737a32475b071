// Serving cost of a trained model: energy and CO2e per million forward passes on the training
// device at the run's precision, int8 on the same device, and full-int8 on a low-power Edge TPU —
// the "int8 on a low-power target" what-if, kept apart from training what-ifs (a different quantity).
import type { InferenceEstimate, InferenceOption, Interval, Precision, RunSpec } from "../types";
import type { DeviceRow } from "./data/devices";
import { findDevice, peakFor } from "./devices";
import { add, div, mul, point, scale } from "./interval";
import type { ModelInputs } from "./energyModel";

/**
 * A reference volume, not a forecast: every figure scales linearly with the number of requests,
 * and a million makes per-request joules readable as kWh.
 */
export const INFERENCE_VOLUME = 1_000_000;

/** Edge TPU on-chip parameter memory: models whose int8 weights exceed it stream weights from host memory (Coral docs). */
export const EDGE_TPU_SRAM_BYTES = {
  value: 8 * 1024 * 1024,
  source: "Coral docs, 'Edge TPU inferencing overview': about 8 MB of SRAM caches the model's parameters",
};

/** int8 weights larger than this are not offered on an Edge TPU: 1 GB would stream from host on every request. */
const EDGE_TPU_MAX_BYTES = 1024 * 1024 * 1024;

const HALF: Precision[] = ["fp16-mixed", "bf16-mixed", "fp16", "bf16"];

/** kWh for `flops` of work at `peak` FLOP/s × MFU drawing `watts` (an interval) with facility overhead `pue`. */
function kwhFor(flops: number, peak: number, mfu: Interval, watts: Interval, pue: Interval): Interval {
  const seconds = div(point(flops), scale(mfu, peak));
  return scale(mul(mul(seconds, watts), pue), 1 / 3.6e6);
}

function option(
  id: string,
  title: string,
  kwh: Interval,
  gridG: number,
  note: string,
  device: DeviceRow,
  precision: Precision,
): InferenceOption {
  return {
    id,
    title,
    device: device.name,
    precision,
    energyKWh: kwh,
    co2eKg: scale(kwh, gridG / 1000),
    joulesPerInference: scale(kwh, 3.6e6 / INFERENCE_VOLUME),
    note,
  };
}

/** Serving options for a run's model, or null when its forward FLOPs per sample are unknown. */
export function priceInference(spec: RunSpec, m: ModelInputs): InferenceEstimate | null {
  const f = spec.forwardFlops;
  if (f === null || f <= 0) return null;
  const work = f * INFERENCE_VOLUME;
  const datacenterW = add(scale(m.powerFraction, m.device.powerW ?? 0), m.hostW);
  const options: InferenceOption[] = [];
  const notOffered: string[] = [];
  const servePrecision: Precision = HALF.includes(m.precision)
    ? (m.precision.replace("-mixed", "") as Precision)
    : "fp32";
  const base = peakFor(m.device, servePrecision, m.tf32Share);
  const batched =
    "throughput-batched serving at the training MFU range; batch-1 latency serving uses the chip less well and costs more";
  if (base && m.device.powerW !== null)
    options.push(
      option(
        `serve:${m.device.id}:${servePrecision}`,
        `${servePrecision} on ${m.device.name}`,
        kwhFor(work, base.flops, m.mfu, datacenterW, m.pue),
        m.gridGPerKWh,
        `${batched}; device power × fraction + host, × PUE, as for training`,
        m.device,
        servePrecision,
      ),
    );
  const int8 = m.device.peak.int8;
  if (int8 !== null && m.device.powerW !== null && m.device.kind !== "edge")
    options.push(
      option(
        `serve:${m.device.id}:int8`,
        `int8 on ${m.device.name}`,
        kwhFor(work, int8 * 1e12, m.mfu, datacenterW, m.pue),
        m.gridGPerKWh,
        `${batched}; on a GPU int8 needs an int8 engine (TensorRT / ONNX Runtime) — torch.ao dynamic quantisation runs on CPU`,
        m.device,
        "int8",
      ),
    );
  const edge = findDevice("coral-edge-tpu");
  const weightBytes = spec.params;
  if (edge?.peak.int8 && edge.powerW !== null) {
    if (weightBytes !== null && weightBytes > EDGE_TPU_MAX_BYTES)
      notOffered.push(
        `${edge.name}: ${(weightBytes / 1e9).toFixed(1)} GB of int8 weights is far beyond its ${EDGE_TPU_SRAM_BYTES.value / 2 ** 20} MB on-chip memory`,
      );
    else {
      const fits =
        weightBytes === null
          ? "weight size unknown"
          : weightBytes <= EDGE_TPU_SRAM_BYTES.value
            ? `${(weightBytes / 2 ** 20).toFixed(1)} MB of int8 weights fit its on-chip memory`
            : `${(weightBytes / 2 ** 20).toFixed(0)} MB of int8 weights exceed its ${EDGE_TPU_SRAM_BYTES.value / 2 ** 20} MB on-chip memory, so weights stream from the host and it runs slower than this`;
      options.push(
        option(
          `serve:${edge.id}:int8`,
          `full-int8 TFLite on ${edge.name}`,
          // On-device: the module's own power, no data-centre PUE or host share.
          kwhFor(work, edge.peak.int8 * 1e12, m.mfu, point(edge.powerW), point(1)),
          m.gridGPerKWh,
          `${edge.powerKind}; module power only (no host, no PUE) at the run's MFU range; ${fits} (${EDGE_TPU_SRAM_BYTES.source}); supported ops only (Edge TPU compiler)`,
          edge,
          "int8",
        ),
      );
    }
  }
  return { inferences: INFERENCE_VOLUME, forwardFlops: f, options, notOffered };
}
