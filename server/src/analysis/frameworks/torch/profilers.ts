// Model-summary and FLOP-counter libraries scripts call with an explicit input size
// (torchinfo/torchsummary `summary`, thop `profile`, ptflops, fvcore): that size is the
// model's input shape, so the call runs the model on a tensor of it.
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule } from "../../evaluate/nativeHelpers";
import { asInt, type Kw, NONE, type TensorV, tensor, tuple, unknown, type Value } from "../../evaluate/values";

function sizeOf(v: Value | undefined): number[] | null {
  if (!v || (v.k !== "tuple" && v.k !== "list")) return null;
  // A list of sizes (several inputs): the first one.
  if (v.items[0] && (v.items[0].k === "tuple" || v.items[0].k === "list")) return sizeOf(v.items[0]);
  const out = v.items.map(asInt);
  return out.some((x) => x === null) ? null : (out as number[]);
}

function input(shape: number[], how: string): TensorV {
  const t = tensor(shape);
  t.origin = how;
  return t;
}

function runModel(ip: Interp, model: Value | undefined, args: Value[], node: Parameters<typeof callValue>[4]): Value {
  if (model?.k !== "instance" || !model.mod) return unknown("profiler on an unknown model", node);
  callValue(ip, model, args, new Map(), node);
  return unknown("profiler result at run time", node);
}

/** `summary(model, input_size=(B, C, H, W))` (torchinfo: with batch) or `(C, H, W)` (torchsummary: without). */
const summary = (withBatch: boolean) =>
  fn("summary", (ip, [model, size, ...rest], kw: Kw, node) => {
    const data = kw.get("input_data") ?? rest.find((r) => r.k === "tensor");
    if (data?.k === "tensor") return runModel(ip, model, [data], node);
    const s = sizeOf(kw.get("input_size") ?? size);
    if (!s) return NONE;
    const full = withBatch ? s : [1, ...s];
    return runModel(ip, model, [input(full, `summary input_size (${s.join(", ")})`)], node);
  });

export function profilerModules(): Record<string, () => Value> {
  return {
    torchinfo: () => nativeModule("torchinfo", { summary: summary(true) }),
    torchsummary: () => nativeModule("torchsummary", { summary: summary(false) }),
    thop: () =>
      nativeModule("thop", {
        profile: fn("thop.profile", (ip, [model, inputs], kw, node) => {
          const xs = kw.get("inputs") ?? inputs;
          const args = xs && (xs.k === "tuple" || xs.k === "list") ? xs.items : [];
          runModel(ip, model, args, node);
          return tuple([unknown("MACs at run time", node), unknown("params at run time", node)]);
        }),
      }),
    ptflops: () =>
      nativeModule("ptflops", {
        get_model_complexity_info: fn("ptflops.get_model_complexity_info", (ip, [model, res], kw, node) => {
          const s = sizeOf(kw.get("input_res") ?? res);
          if (s) runModel(ip, model, [input([1, ...s], `ptflops input_res (${s.join(", ")})`)], node);
          return tuple([unknown("MACs at run time", node), unknown("params at run time", node)]);
        }),
      }),
    fvcore: () =>
      nativeModule("fvcore", {}, (attr) =>
        attr === "nn"
          ? nativeModule("fvcore.nn", {
              FlopCountAnalysis: fn("FlopCountAnalysis", (ip, [model, inputs], _kw, node) => {
                const args =
                  inputs?.k === "tensor"
                    ? [inputs]
                    : inputs && (inputs.k === "tuple" || inputs.k === "list")
                      ? inputs.items
                      : [];
                return runModel(ip, model, args, node);
              }),
            })
          : undefined,
      ),
  };
}
