// Python operators on Keras symbolic tensors (`x + inputs`, `x * 0.5`) as Keras builds them: an
// operation node in the functional graph. Without one, the graph walk from the model's outputs
// stopped at the operator and lost every layer before it.
import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { asNumber, float, type InstanceV, type Kw, list, unknown, type Value } from "../../../evaluate/values";
import { callLayer } from "./layerCall";
import { catalogClass, ensureState } from "./classes";
import { sampleShape } from "./tensors";
import { kerasState } from "./state";

/** Two symbolic tensors of the same shape: the merge layer Keras' operator overloads stand for. */
const MERGE_FOR: Record<string, string> = { "+": "Add", "-": "Subtract", "*": "Multiply" };

const isKeras = (ip: Interp, v: Value) => v.k === "tensor" && kerasState(ip).tensors.has(v);

/** Instantiates a catalog layer with keywords and calls it, as `layers.X(**kw)(inputs)` would. */
function applyLayer(ip: Interp, className: string, kw: Kw, input: Value, node: Node | null): Value | null {
  const cls = catalogClass(ip, className);
  if (!cls) return null;
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  const init = cls.attrs.get("__init__");
  if (init?.k === "builtin") init.fn(ip, [inst], kw, node);
  return callLayer(ip, ensureState(ip, inst, node), [input], new Map(), node);
}

/**
 * The operator as a graph node, or null to let the interpreter's plain tensor arithmetic answer
 * (no Keras tensor involved, inside a layer's own call(), or a case Keras' layers do not cover).
 */
export function kerasTensorOp(ip: Interp, op: string, a: Value, b: Value, node: Node | null): Value | null {
  const ka = isKeras(ip, a);
  const kb = isKeras(ip, b);
  if (!ka && !kb) return null;
  // Inside a custom layer's call() raw ops are that layer's business: its call is one graph node.
  const ks = kerasState(ip);
  if (ks.stack.length > 0 || ks.replaying) return null;
  if (ka && kb) {
    const merge = MERGE_FOR[op];
    const sa = sampleShape(ip, a);
    const sb = sampleShape(ip, b);
    if (!merge || !sa || !sb || sa.length !== sb.length || sa.some((d, i) => d !== sb[i]))
      return cutGraph(ip, op, node);
    return applyLayer(ip, merge, new Map(), list([a, b]), node);
  }
  // A tensor and a number: Rescaling(scale, offset) computes x·scale + offset with no weights.
  const x = ka ? a : b;
  const other = ka ? b : a;
  const c = asNumber(other);
  if (c === null) return withConstant(ip, op, x, other, node);
  let scale: number;
  let offset: number;
  if (op === "*") [scale, offset] = [c, 0];
  else if (op === "/" && ka && c !== 0) [scale, offset] = [1 / c, 0];
  else if (op === "+") [scale, offset] = [1, c];
  else if (op === "-") [scale, offset] = ka ? [1, -c] : [-1, c];
  else return null;
  const kw: Kw = new Map([
    ["scale", float(scale)],
    ["offset", float(offset)],
  ]);
  return applyLayer(ip, "Rescaling", kw, x, node);
}

const ELEMENTWISE = new Set(["+", "-", "*", "/"]);

/**
 * A Keras tensor and a concrete tensor (`x + keras.ops.zeros((maxlen, d))`, a positional table):
 * a weightless node that keeps the Keras tensor's lineage when the constant broadcasts into its
 * shape. Handing back null would let plain arithmetic make a fresh tensor, and the functional graph
 * would silently start there, dropping every layer before it.
 */
function withConstant(ip: Interp, op: string, x: Value, other: Value, node: Node | null): Value {
  const sx = sampleShape(ip, x);
  const full = other.k === "tensor" ? other.shape : null;
  if (ELEMENTWISE.has(op) && sx && full && broadcastsInto(full, sx))
    return applyLayer(ip, "Identity", new Map(), x, node) ?? cutGraph(ip, op, node);
  return cutGraph(ip, op, node);
}

/** A constant's full shape fits a symbolic tensor [batch, ...sample] without changing its shape. */
function broadcastsInto(constant: number[], sample: Array<number | null>): boolean {
  const target = [null, ...sample];
  if (constant.length > target.length) return false;
  return constant.every((d, i) => {
    const t = target[target.length - constant.length + i];
    return d === 1 || (t !== null && t !== undefined && d === t);
  });
}

/** An operator on a Keras tensor the graph cannot follow: unknown, never a new graph start. */
function cutGraph(ip: Interp, op: string, node: Node | null): Value {
  const why = `Keras tensor \`${op}\` with an operand the analysis cannot size (or shapes that do not match) is not modelled, so the layers before it cannot be followed`;
  ip.note(why, node);
  return unknown(why, node);
}
