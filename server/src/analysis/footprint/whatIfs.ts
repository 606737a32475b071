// Alternatives priced by the same model as the baseline: mixed precision, 2:4 sparsity, another
// device, a cleaner region, early stopping and a frozen backbone; each with its midpoint saving.
import type { Interval, Precision, RunSpec, WhatIf } from "../types";
import type { DeviceRow } from "./data/devices";
import { EARLY_STOP_FRACTION, LOADER_WORKERS, SPARSITY_SPEEDUP } from "./data/modelConstants";
import { findDevice, hasFasterHalfPrecision, peakFor, preferredMixed } from "./devices";
import { hostPowerW, type ModelInputs, type Priced, priceWith } from "./energyModel";
import { cleanestCloudCountry, type GridChoice, providerRegions } from "./grid";
import { mid } from "./interval";

export interface WhatIfContext {
  spec: RunSpec;
  inputs: ModelInputs;
  base: Priced;
  /** The grid the baseline used, or null when the user fixed gCO2e/kWh in settings. */
  grid: GridChoice | null;
}

/** Devices offered as alternatives, most to least capable. */
export const ALTERNATIVE_DEVICES = ["h100-sxm5-80gb", "a100-sxm4-80gb", "t4"];

const HALF_OR_INT: Precision[] = ["fp16-mixed", "bf16-mixed", "fp16", "bf16", "int8", "tf32"];

export function buildWhatIfs(ctx: WhatIfContext): WhatIf[] {
  if (!ctx.base.co2eKg) return [];
  const out: WhatIf[] = [];
  const { spec, inputs } = ctx;
  const device = inputs.device;

  if (["fp32", "fp64"].includes(inputs.precision) && hasFasterHalfPrecision(device)) {
    const p = preferredMixed(device);
    const ratio = (peakFor(device, p)?.flops ?? 0) / (peakFor(device, inputs.precision, inputs.tf32Share)?.flops ?? 1);
    out.push(
      priced(
        ctx,
        `mixed-precision:${p === "bf16-mixed" ? "bf16" : "fp16"}`,
        `Mixed precision (${p === "bf16-mixed" ? "bf16" : "fp16"} autocast)`,
        spec,
        {
          ...inputs,
          precision: p,
        },
        `${device.name}: ${ratio.toFixed(1)}× the run's ${inputs.precision} throughput on tensor cores; an upper bound, since memory-bound layers and the step floor do not speed up`,
      ),
    );
  }

  if (device.sparsity24) {
    const p: Precision = HALF_OR_INT.includes(inputs.precision) ? inputs.precision : preferredMixed(device);
    const s = SPARSITY_SPEEDUP.value;
    const computeScale: Interval = { low: 1 / s.high, high: 1 / s.low };
    const withMp = p !== inputs.precision ? ` with ${p}` : "";
    out.push(
      priced(
        ctx,
        "sparsity-2of4",
        `2:4 structured sparsity${withMp}`,
        spec,
        { ...inputs, precision: p, computeScale },
        "Sparse tensor cores give ≤2× on matmuls (1–2× on compute time here) after 2:4 pruning and fine-tuning; unstructured pruning (torch.nn.utils.prune) saves nothing on dense hardware: zeros are still multiplied",
      ),
    );
  }

  for (const id of ALTERNATIVE_DEVICES) {
    const alt = findDevice(id) as DeviceRow;
    if (alt.id === device.id) continue;
    out.push(
      priced(
        ctx,
        `device:${alt.id}`,
        `On ${inputs.count}× ${alt.name}`,
        spec,
        {
          ...inputs,
          device: alt,
          hostW: hostPowerW(alt),
        },
        peakFor(alt, inputs.precision, inputs.tf32Share)?.fallback ?? undefined,
      ),
    );
  }

  if (ctx.grid) {
    const cleaner = ctx.grid.provider
      ? providerRegions(ctx.grid.provider).map((r) => r.choice)[0]
      : cleanestCloudCountry();
    if (cleaner && cleaner.gPerKWh < ctx.grid.gPerKWh) {
      out.push(
        priced(
          ctx,
          "region",
          `Train in ${cleaner.label}`,
          spec,
          { ...inputs, gridGPerKWh: cleaner.gPerKWh },
          `${cleaner.gPerKWh} gCO2e/kWh vs ${ctx.grid.gPerKWh}: ${cleaner.citation}`,
        ),
      );
    }
  }

  if (spec.epochs !== null && spec.maxSteps === null && spec.epochs > 1) {
    const f = EARLY_STOP_FRACTION.value;
    out.push(
      priced(
        ctx,
        "early-stopping",
        `Early stopping at ${Math.round(f * 100)}% of ${spec.epochs} epochs`,
        { ...spec, epochs: spec.epochs * f },
        inputs,
        EARLY_STOP_FRACTION.source,
      ),
    );
  }

  if (spec.loaderWorkers === 0) {
    const k = LOADER_WORKERS.value;
    out.push(
      priced(
        ctx,
        "loader-workers",
        `DataLoader(num_workers=${k}, pin_memory=True)`,
        { ...spec, loaderWorkers: k },
        inputs,
        LOADER_WORKERS.source,
      ),
    );
  }

  if (spec.params !== null && spec.params >= 1e6 && spec.trainableParams === spec.params) {
    out.push(
      priced(
        ctx,
        "freeze-backbone",
        "Freeze a pretrained backbone, train the head",
        { ...spec, trainableParams: 0 },
        inputs,
        "Frozen layers skip weight gradients (and input gradients before the first trainable layer): 1–2× forward instead of 3×; the head's own cost is left out; needs a pretrained backbone and may change accuracy",
      ),
    );
  }
  if (spec.smallerModel) {
    // Fine-tune a smaller/distilled checkpoint (frameworks/zoo/data/alternatives.json), sized like the run's model.
    const s = spec.smallerModel;
    out.push(
      priced(
        ctx,
        `smaller-model:${s.to}`,
        `Fine-tune ${s.to} instead of ${s.from}`,
        // Priced by the same formula as the baseline: traced forward, or 6·N·D when the forward is unknown.
        {
          ...spec,
          params: s.params,
          trainableParams: s.trainableParams,
          forwardFlops: spec.forwardFlops === null ? null : s.forwardFlops,
        },
        inputs,
        `${s.quality ? `published quality ${s.quality}` : "no side-by-side quality figure published"} (${s.source})`,
      ),
    );
  }
  // A compute-side change that saves nothing (the run is bound by its step floor) is not an option
  // worth showing; device and region alternatives stay, since they can cost more as well as less.
  return out.filter(
    (w) => !COMPUTE_SIDE.some((p) => w.id.startsWith(p)) || w.saving === null || Math.abs(w.saving) >= 0.005,
  );
}

const COMPUTE_SIDE = ["mixed-precision", "sparsity", "freeze-backbone", "loader-workers"];

function priced(
  ctx: WhatIfContext,
  id: string,
  title: string,
  spec: RunSpec,
  inputs: ModelInputs,
  note?: string,
): WhatIf {
  const p = priceWith(spec, inputs);
  const base = ctx.base.co2eKg;
  const saving = p.co2eKg && base && mid(base) > 0 ? (mid(p.co2eKg) - mid(base)) / mid(base) : null;
  const w: WhatIf = { id, title, timeHours: p.timeHours, energyKWh: p.energyKWh, co2eKg: p.co2eKg, saving };
  if (note) w.note = note;
  return w;
}
