// bitsandbytes quantized loading: `from_pretrained(quantization_config=BitsAndBytesConfig(load_in_4bit=True,
// bnb_4bit_compute_dtype=...))` or the older `load_in_4bit=True` / `load_in_8bit=True` keywords. The
// parameter count is unchanged (peft's print_trainable_parameters counts a packed 4-bit tensor as
// its unpacked numel), and every matmul dequantizes the weight to the compute dtype and runs there,
// so that dtype is the training precision; the dequantization itself is not priced, and said so.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { asString, type Kw, NONE, truthy, type Value } from "../../evaluate/values";
import { precisionOfDtype } from "../torch/events";

const on = (v: Value | undefined) => truthy(v ?? NONE) === true;

/** `BitsAndBytesConfig(...)`: its keywords travel with it. */
export function bitsAndBytesConfigClass(): Value {
  return fn("transformers.BitsAndBytesConfig", (_ip, _a, kw) =>
    nativeObject("BitsAndBytesConfig", { kw }, {}, (_me, attr) => kw.get(attr)),
  );
}

/** The quantization a from_pretrained call asks for; null when none. */
function quantizationOf(kw: Kw): { bits: 4 | 8; cfg: Kw } | null {
  const q = kw.get("quantization_config");
  const cfg = q?.k === "native" && q.type === "BitsAndBytesConfig" ? (q.data.kw as Kw) : kw;
  if (on(cfg.get("load_in_4bit"))) return { bits: 4, cfg };
  if (on(cfg.get("load_in_8bit"))) return { bits: 8, cfg };
  return null;
}

/**
 * Records the quantized model's compute precision and what is left unpriced. 4-bit:
 * bnb_4bit_compute_dtype (transformers docs, BitsAndBytesConfig: defaults to torch.float32) is the
 * dtype of every matmul. 8-bit (LLM.int8()): int8 matmuls with fp16 outlier columns, whose speed is
 * not the int8 peak, so the run stays at the precision the rest of the script sets.
 */
export function noteQuantization(ip: Interp, kw: Kw, modelId: number, node: Node | null): void {
  const q = quantizationOf(kw);
  const other = kw.get("quantization_config");
  if (!q) {
    // GPTQConfig, AwqConfig, a dict: another format (or an unread one).
    if (other && other.k !== "none")
      ip.note(
        "quantization_config of a kind the analyzer does not model: the weights' format and the compute precision are unknown",
        node,
      );
    return;
  }
  if (q.bits === 4) {
    const dtype = q.cfg.get("bnb_4bit_compute_dtype");
    const p = dtype ? precisionOfDtype(dtype) : "fp32";
    const kind = asString(q.cfg.get("bnb_4bit_quant_type") ?? NONE) ?? "fp4";
    if (p)
      ip.event(
        {
          kind: "precision",
          precision: p,
          how: `4-bit ${kind} weights (bitsandbytes) dequantized to ${p} for each matmul (bnb_4bit_compute_dtype${dtype ? "" : " default float32"})`,
          modelId,
        },
        node,
      );
    ip.note(
      "4-bit quantized base weights: priced as the same matmuls in the compute dtype; the per-matmul dequantization is not priced",
      node,
    );
    return;
  }
  ip.note(
    "8-bit quantized base weights (LLM.int8()): int8 matmuls with fp16 outlier columns run below the int8 peak, so the run is priced at the script's other precision settings",
    node,
  );
}
