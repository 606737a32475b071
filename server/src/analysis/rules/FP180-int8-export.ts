// FP180: a trained model saved or exported for deployment with no int8 path. int8 weights are a
// quarter of fp32's bytes and int8 kernels draw less energy per inference; PyTorch gets dynamic
// int8 quantisation (nn.Linear), Keras a full-int8 TFLite conversion (what the Edge TPU runs).
import { findDevice } from "../footprint/devices";
import { mid } from "../footprint/interval";
import { compact, range, sig } from "../format";
import type { InferenceEstimate, LayerCost, ModelCost } from "../types";
import { kerasTfliteFix, torchDynamicInt8Fix } from "./FP180-int8-fixes";
import type { Rule } from "./rule";
import { validated } from "./validatedFix";

/** Saves that ship a model; checkpoints (HF save_pretrained, Lightning save_checkpoint) are for resuming. */
const DEPLOY_SAVES = new Set(["torch.save", "torch.jit.script", "torch.jit.trace", "torch.onnx.export", "model.save"]);

/** Code that already has an int8 / TFLite path. */
const HAS_INT8 = /\bquantize_dynamic\b|\bTFLiteConverter\b|\bprepare_qat\w*\b|\bconvert_fx\b|\bquantize_model\b/;

/** Dynamic quantisation (torch.ao.quantization.quantize_dynamic) replaces these modules. */
const DYNAMIC_TYPES = new Set(["Linear", "LSTM", "GRU"]);

/**
 * Least share of the model's weights that dynamic quantisation must reach for the finding: an
 * embedding-dominated model with a small Linear head would shrink by a few percent, not worth a
 * conversion step (a design threshold, not a measured one).
 */
export const MIN_QUANTISED_SHARE = 0.25;

/** Bytes per weight: fp32 4, int8 1 (PyTorch / TFLite quantisation docs). */
const FP32_BYTES = 4;
const INT8_BYTES = 1;

export const int8Export: Rule = {
  code: "FP180",
  title: "Model saved for deployment without an int8 path",
  defaultSeverity: "information",
  check(ctx) {
    if (HAS_INT8.test(ctx.text)) return [];
    const out = [];
    const seen = new Set<number>();
    for (const e of ctx.facts.trace) {
      // A save inside a loop is a checkpoint; the deployment save comes after training.
      if (e.kind !== "save" || !DEPLOY_SAVES.has(e.how) || e.loops.length > 0) continue;
      // Only saves of a known model: `torch.save(optimizer.state_dict())` or a checkpoint dict is not one.
      const model = e.modelId === null ? null : ctx.models.find((m) => m.id === e.modelId);
      if (!model || seen.has(model.id)) continue;
      const keras = model.framework === "keras";
      if (keras !== (e.how === "model.save")) continue;
      const serving = ctx.runs.find((r) => r.spec.model === model.name && r.inference)?.inference ?? null;
      const message = keras ? kerasMessage(model, serving) : torchMessage(model, serving);
      if (!message) continue;
      seen.add(model.id);
      out.push({
        message,
        range: e.range,
        fixes: () => [
          validated(ctx, keras ? kerasTfliteFix(ctx, e, model) : torchDynamicInt8Fix(ctx, e, dynamicTypes(model))),
        ],
      });
    }
    return out;
  },
};

/**
 * The layer classes the message counts as int8, in a fixed order: the fix quantises exactly these,
 * or its copy would keep the LSTM/GRU weights the message says shrink.
 */
function dynamicTypes(model: ModelCost): string[] {
  return [...DYNAMIC_TYPES].filter((t) => model.layers.some((l) => l.type === t));
}

const mb = (bytes: number) => `${sig(bytes / 1e6)} MB`;

/** PyTorch: only Linear/LSTM/GRU weights go int8 under dynamic quantisation; conv-only models get no finding. */
function torchMessage(model: ModelCost, serving: InferenceEstimate | null): string | null {
  const layers = model.layers.filter((l) => DYNAMIC_TYPES.has(l.type));
  if (layers.length === 0) return null;
  const weights = layers.reduce((s, l) => s + (linearWeights(l) ?? l.params), 0);
  if (model.params === 0 || weights / model.params < MIN_QUANTISED_SHARE) return null;
  const total = model.params * FP32_BYTES;
  const after = total - weights * (FP32_BYTES - INT8_BYTES);
  return (
    `${model.name} is saved in fp32 with no int8 path: dynamic int8 quantisation of its ${layers.length} ` +
    `${[...new Set(layers.map((l) => l.type))].join("/")} layer${layers.length > 1 ? "s" : ""} (${compact(weights)} weights) ` +
    `shrinks the weights from ${mb(total)} to ${mb(after)} (−${Math.round((1 - after / total) * 100)}%) and runs them ` +
    `with int8 kernels on CPU${servingText(serving, ":int8", "on GPU it needs an int8 engine such as TensorRT; CPU int8 kernels are not priced")}`
  );
}

/** Keras: full-int8 TFLite stores every weight in int8; the Edge TPU figure is a bound at its rated peak. */
function kerasMessage(model: ModelCost, serving: InferenceEstimate | null): string | null {
  if (model.params === 0) return null;
  const total = model.params * FP32_BYTES;
  const after = model.params * INT8_BYTES;
  const tpu = findDevice("coral-edge-tpu");
  let edge = "";
  if (tpu?.peak.int8 && tpu.powerW && model.forwardFlops) {
    // Operations per inference ≈ forward FLOPs (2 × MACs); at the chip's rated 4 TOPS and 2 W.
    const seconds = model.forwardFlops / (tpu.peak.int8 * 1e12);
    edge = `; on a ${tpu.name} (${tpu.peak.int8} TOPS int8 at ${tpu.powerW} W) one inference takes at least ${sig(seconds * 1e3)} ms and ${sig(seconds * tpu.powerW * 1e3)} mJ at rated peak`;
  }
  return (
    `${model.name} is saved in fp32 with no int8 path: a full-int8 TFLite model (Optimize.DEFAULT with a ` +
    `representative dataset) stores ${mb(total)} of weights in ${mb(after)} and runs on int8-only ` +
    `accelerators such as the Edge TPU${edge}${servingText(serving, "coral-edge-tpu:int8", "module power at the run's MFU range")}`
  );
}

/**
 * The run's serving estimate (footprint/inference.ts) for the baseline and the int8 option whose id
 * ends with `target`; without a priced run, says that energy per inference is not priced.
 */
function servingText(serving: InferenceEstimate | null, target: string, note: string): string {
  const base = serving?.options[0];
  const int8 = serving?.options.find((o) => o.id.endsWith(target));
  if (!serving || !base || !int8 || base === int8)
    return "; energy per inference is not priced (no training run of this model was priced)";
  const saving = Math.round((1 - mid(int8.energyKWh) / mid(base.energyKWh)) * 100);
  return (
    `; per ${compact(serving.inferences)} inferences ≈ ${range(int8.energyKWh, "kWh")} with ${int8.title} instead of ` +
    `${range(base.energyKWh, "kWh")} in ${base.title} (≈ −${saving}% energy; ${note})`
  );
}

/** in × out of a Linear whose input and output sizes are known (its bias stays fp32), else null. */
function linearWeights(l: LayerCost): number | null {
  if (l.type !== "Linear") return null;
  const i = l.inputShape?.at(-1);
  const o = l.outputShape?.at(-1);
  return i && o && i * o <= l.params ? i * o : null;
}
