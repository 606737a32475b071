// torch.nn.functional layers as functions: conv/conv_transpose (MACs), scaled_dot_product_attention
// (QKᵀ + AV MACs), norms, embedding/embedding_bag and one_hot (0 MACs).

import { type Args, type ForwardResult, REQUIRED, type Signature, ShapeError } from "../layerSpec";
import { intArg, raw, tensor, tupleArg } from "../layers/argUtils";
import { resolvePadding } from "../layers/conv";
import { broadcastShapes, prod, showShape, slidingOutLength, transposedOutLength } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

function conv(a: Args, n: number, owner: string): ForwardResult {
  const x = shapeOf(a, "input", owner);
  const w = shapeOf(a, "weight", owner);
  const dt = dtypeArg(a, "input");
  if (x === null || w === null) return { output: tensor(null, dt), macs: 0 };
  if ((x.length !== n + 1 && x.length !== n + 2) || w.length !== n + 2) {
    throw new ShapeError(`${owner}: expected a ${n + 2}-d input and weight, got ${showShape(x)} and ${showShape(w)}`);
  }
  const groups = intArg(a, "groups", owner);
  const batch = x.length === n + 2 ? [x[0]!] : [];
  const inC = x[batch.length]!;
  if (inC !== w[1]! * groups) {
    throw new ShapeError(
      `${owner}: weight ${showShape(w)} with groups=${groups} expects ${w[1]! * groups} channels, got ${showShape(x)}`,
    );
  }
  const kernel = w.slice(2);
  const stride = tupleArg(a, "stride", owner, n);
  const dilation = tupleArg(a, "dilation", owner, n);
  const padding = resolvePadding(raw(a, "padding"), kernel, stride, dilation, owner);
  const spatial = x
    .slice(batch.length + 1)
    .map((len, i) => slidingOutLength(len, kernel[i]!, stride[i]!, ...padding[i]!, dilation[i]!));
  if (spatial.some((s) => s <= 0)) throw new ShapeError(`${owner}: input ${showShape(x)} is smaller than the kernel`);
  const out = [...batch, w[0]!, ...spatial];
  return { output: tensor(out, dt), macs: prod(out) * w[1]! * prod(kernel), conv: true };
}

function convTranspose(a: Args, n: number, owner: string): ForwardResult {
  const x = shapeOf(a, "input", owner);
  const w = shapeOf(a, "weight", owner);
  const dt = dtypeArg(a, "input");
  if (x === null || w === null) return { output: tensor(null, dt), macs: 0 };
  const groups = intArg(a, "groups", owner);
  const batch = x.length === n + 2 ? [x[0]!] : [];
  if (w.length !== n + 2 || x[batch.length] !== w[0]) {
    throw new ShapeError(`${owner}: weight ${showShape(w)} does not fit input ${showShape(x)}`);
  }
  const kernel = w.slice(2);
  const stride = tupleArg(a, "stride", owner, n);
  const padding = tupleArg(a, "padding", owner, n);
  const outPad = tupleArg(a, "output_padding", owner, n);
  const dilation = tupleArg(a, "dilation", owner, n);
  const spatial = x
    .slice(batch.length + 1)
    .map((len, i) => transposedOutLength(len, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, outPad[i]!));
  return {
    output: tensor([...batch, w[1]! * groups, ...spatial], dt),
    macs: prod(x) * w[1]! * prod(kernel),
    conv: true,
  };
}

/** Query (..., L, E) × key (..., S, E) → scores (..., L, S); × value (..., S, Ev) → (..., L, Ev). */
function attention(a: Args): ForwardResult {
  const owner = "F.scaled_dot_product_attention";
  const q = shapeOf(a, "query", owner);
  const k = shapeOf(a, "key", owner);
  const v = shapeOf(a, "value", owner);
  const dt = dtypeArg(a, "query");
  if (q === null || k === null || v === null) return { output: tensor(null, dt), macs: 0 };
  if (q.length < 2 || k.length < 2 || v.length < 2) throw new ShapeError(`${owner}: inputs need at least 2 dims`);
  const [l, e] = q.slice(-2) as [number, number];
  const [s, ek] = k.slice(-2) as [number, number];
  const [sv, ev] = v.slice(-2) as [number, number];
  if (e !== ek || s !== sv) {
    throw new ShapeError(`${owner}: query ${showShape(q)}, key ${showShape(k)}, value ${showShape(v)} do not fit`);
  }
  // enable_gqa (torch 2.5): key/value heads (dim -3) repeat to the query's head count first.
  const gqa = (x: number[]): number[] => {
    if (a.enable_gqa !== true || q.length < 3 || x.length < 3) return x.slice(0, -2);
    const hq = q[q.length - 3]!;
    const hk = x[x.length - 3]!;
    if (hq % hk !== 0) throw new ShapeError(`${owner}: ${hq} query heads are not a multiple of ${hk} key/value heads`);
    return [...x.slice(0, -3), hq];
  };
  const batch = broadcastShapes(broadcastShapes(q.slice(0, -2), gqa(k), owner), gqa(v), owner);
  return { output: tensor([...batch, l, ev], dt), macs: prod(batch) * l * s * (e + ev) };
}

function sameShape(a: Args, owner: string): ForwardResult {
  const x = shapeOf(a, "input", owner);
  return { output: tensor(x === null ? null : [...x], dtypeArg(a, "input")), macs: 0 };
}

export function registerNn(t: FunctionTable): void {
  const input = ["input", REQUIRED] as const;
  for (const n of [1, 2, 3]) {
    const sig: Signature = [
      input,
      ["weight", REQUIRED],
      ["bias", null],
      ["stride", 1],
      ["padding", 0],
      ["dilation", 1],
      ["groups", 1],
    ];
    register(t, { F: [`conv${n}d`], torch: [`conv${n}d`] }, sig, (a) => conv(a, n, `F.conv${n}d`));
    const tsig: Signature = [
      input,
      ["weight", REQUIRED],
      ["bias", null],
      ["stride", 1],
      ["padding", 0],
      ["output_padding", 0],
      ["groups", 1],
      ["dilation", 1],
    ];
    register(t, { F: [`conv_transpose${n}d`], torch: [`conv_transpose${n}d`] }, tsig, (a) =>
      convTranspose(a, n, `F.conv_transpose${n}d`),
    );
  }
  const sdpa: Signature = [
    ["query", REQUIRED],
    ["key", REQUIRED],
    ["value", REQUIRED],
    ["attn_mask", null],
    ["dropout_p", 0.0],
    ["is_causal", false],
    ["scale", null],
    ["enable_gqa", false],
  ];
  register(t, { F: ["scaled_dot_product_attention", "_scaled_dot_product_attention"] }, sdpa, attention);
  const rest: Signature = [input, ["*args", []], ["**kwargs", null]];
  for (const name of ["layer_norm", "batch_norm", "group_norm", "instance_norm", "local_response_norm"]) {
    register(t, { F: [name], torch: [name] }, rest, (a) => sameShape(a, `F.${name}`));
  }
  const embSig: Signature = [
    input,
    ["weight", REQUIRED],
    ["padding_idx", null],
    ["max_norm", null],
    ["norm_type", 2.0],
    ["scale_grad_by_freq", false],
    ["sparse", false],
  ];
  register(t, { F: ["embedding"] }, embSig, (a) => {
    const x = shapeOf(a, "input", "F.embedding");
    const w = shapeOf(a, "weight", "F.embedding");
    if (w !== null && w.length !== 2) throw new ShapeError(`F.embedding: weight must be 2-d, got ${showShape(w)}`);
    return { output: tensor(x === null || w === null ? null : [...x, w[1]!], dtypeArg(a, "weight")), macs: 0 };
  });
  const bagSig: Signature = [input, ["weight", REQUIRED], ["offsets", null], ["**kwargs", null]];
  register(t, { F: ["embedding_bag"] }, bagSig, (a) => {
    const x = shapeOf(a, "input", "F.embedding_bag");
    const w = shapeOf(a, "weight", "F.embedding_bag");
    if (x === null || w === null) return { output: tensor(null, dtypeArg(a, "weight")), macs: 0 };
    // A 2-d input is one bag per row; a 1-d input is cut into bags at the offsets.
    const offsets = raw(a, "offsets") === null ? null : shapeOf(a, "offsets", "F.embedding_bag");
    const kw = a["**kwargs"] as Record<string, unknown> | null;
    const bags = x.length === 2 ? x[0]! : offsets === null ? null : offsets[0]! - (kw?.include_last_offset ? 1 : 0);
    return { output: tensor(bags === null ? null : [bags, w[1]!], dtypeArg(a, "weight")), macs: 0 };
  });
  register(
    t,
    { F: ["one_hot"] },
    [
      ["tensor", REQUIRED],
      ["num_classes", -1],
    ],
    (a) => {
      const x = shapeOf(a, "tensor", "F.one_hot");
      const classes = intArg(a, "num_classes", "F.one_hot");
      // num_classes=-1 means "max value + 1", which depends on the data.
      return { output: tensor(x === null || classes < 0 ? null : [...x, classes], "int64"), macs: 0 };
    },
  );
}
