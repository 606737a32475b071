// Device and precision facts: `.to("cuda")`, `.cuda()`, `.half()`, `.double()`, `.to(torch.float64)`,
// torch.device(...), set_default_dtype. They become trace events for run detection and rules.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { asString, type Kw, NONE, type Value } from "../../evaluate/values";
import type { Precision } from "../../types";

export type DeviceKind = "gpu" | "cpu" | "tpu" | "mps";

/** "cuda:0" → gpu; a torch.device value → its kind; null when not a device. */
export function deviceKindOf(v: Value | undefined): DeviceKind | null {
  if (!v) return null;
  if (v.k === "native" && v.type === "device") {
    const k = v.data.kind;
    return k === "gpu" || k === "cpu" || k === "mps" || k === "tpu" ? k : null;
  }
  const s = asString(v);
  if (s === null) return null;
  if (/^cuda(:\d+)?$/.test(s)) return "gpu";
  if (s === "cpu") return "cpu";
  if (s === "mps") return "mps";
  if (s === "xla" || s.startsWith("xla:")) return "tpu";
  return null;
}

const DTYPE_PRECISION: Record<string, Precision> = {
  "torch.float64": "fp64",
  "torch.double": "fp64",
  "torch.float16": "fp16",
  "torch.half": "fp16",
  "torch.bfloat16": "bf16",
  "torch.float32": "fp32",
  "torch.float": "fp32",
};

export function precisionOfDtype(v: Value | undefined): Precision | null {
  const s = asString(v);
  return s !== null ? (DTYPE_PRECISION[s] ?? null) : null;
}

/** `model.to(...)`, `.cuda()`, `.half()`…: records device/precision events and returns the module. */
export function moduleEvent(ip: Interp, how: string, args: Value[], kw: Kw, node: Node | null): Value {
  const s = args[0] ?? NONE;
  const modelId = s.k === "instance" && s.mod ? s.mod.id : null;
  const rest = [
    ...args.slice(1),
    ...(kw.get("device") ? [kw.get("device")!] : []),
    ...(kw.get("dtype") ? [kw.get("dtype")!] : []),
  ];
  if (how === "cuda") ip.event({ kind: "device", device: "gpu", count: null, how: ".cuda()" }, node);
  else if (how === "cpu") ip.event({ kind: "device", device: "cpu", count: null, how: ".cpu()" }, node);
  else if (how === "half") ip.event({ kind: "precision", precision: "fp16", how: ".half()", modelId }, node);
  else if (how === "double") ip.event({ kind: "precision", precision: "fp64", how: ".double()", modelId }, node);
  else if (how === "bfloat16") ip.event({ kind: "precision", precision: "bf16", how: ".bfloat16()", modelId }, node);
  else if (how === "to") {
    for (const a of rest) {
      const d = deviceKindOf(a);
      if (d)
        ip.event(
          {
            kind: "device",
            device: d,
            count: null,
            how: `.to(${node?.text.includes("device") ? "device" : `"${asString(a) ?? d}"`})`,
          },
          node,
        );
      const p = precisionOfDtype(a);
      if (p && p !== "fp32") ip.event({ kind: "precision", precision: p, how: `.to(${asString(a)})`, modelId }, node);
    }
  }
  return s;
}
