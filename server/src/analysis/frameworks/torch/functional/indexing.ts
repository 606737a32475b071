// Torch selection and ordering ops (0 MACs unless noted): *_as, flip/roll/cumsum, gather/index_select/narrow,
// topk/sort, Tensor.unfold, item/tolist (values unknown), cosine_similarity/pairwise_distance, outer,
// the fused products addmm/baddbmm/addbmm (MACs of their matrix product), histc, and the selections
// whose size depends on values (nonzero, masked_select, unique...: unknown, said so).

import { ArgError, type Args, REQUIRED, type Signature, ShapeError, UNKNOWN } from "../layerSpec";
import { boolArg, intArg, tensor } from "../layers/argUtils";
import { broadcastShapes, normalizeDim, showShape } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";
import { matmulShapes } from "./linalg";

function withShape(a: Args, owner: string, rule: (x: number[]) => number[], dtype?: string) {
  const x = shapeOf(a, "input", owner);
  return { output: tensor(x === null ? null : rule(x), dtype ?? dtypeArg(a, "input")), macs: 0 };
}

function otherShape(a: Args, owner: string, rule: (x: number[], o: number[]) => number[]) {
  const x = shapeOf(a, "input", owner);
  const o = shapeOf(a, "other", owner);
  return { output: tensor(x === null || o === null ? null : rule(x, o), dtypeArg(a, "input")), macs: 0 };
}

const setDim = (x: number[], d: number, size: number) => x.map((s, i) => (i === d ? size : s));

/** addmm-style ops: out = beta·input + m1 @ m2 (addbmm sums the batch); MACs are those of the product. */
function fusedProduct(a: Args, owner: string, names: [string, string], rank: number) {
  const m1 = shapeOf(a, names[0], owner);
  const m2 = shapeOf(a, names[1], owner);
  const dt = dtypeArg(a, names[0]);
  if (m1 === null || m2 === null) return { output: tensor(null, dt), macs: 0 };
  if (m1.length !== rank || m2.length !== rank) {
    throw new ShapeError(`${owner}: expected ${rank}-d matrices, got ${showShape(m1)} and ${showShape(m2)}`);
  }
  const { out, macs } = matmulShapes(m1, m2, owner);
  return { output: tensor(owner === "addbmm" ? out.slice(1) : out, dt), macs };
}

export function registerIndexing(t: FunctionTable): void {
  const input = ["input", REQUIRED] as const;
  const rest: Signature = [input, ["*args", []], ["**kwargs", null]];
  register(t, { method: ["view_as", "reshape_as"] }, [input, ["other", REQUIRED]], (a) =>
    otherShape(a, "view_as", (x, o) => {
      if (x.reduce((p, q) => p * q, 1) !== o.reduce((p, q) => p * q, 1)) {
        throw new ShapeError(`view_as: ${showShape(x)} has a different number of elements than ${showShape(o)}`);
      }
      return [...o];
    }),
  );
  register(t, { method: ["expand_as"] }, [input, ["other", REQUIRED]], (a) =>
    otherShape(a, "expand_as", (x, o) => {
      if (showShape(broadcastShapes(x, o, "expand_as")) !== showShape(o)) {
        throw new ShapeError(`expand_as: cannot expand ${showShape(x)} to ${showShape(o)}`);
      }
      return [...o];
    }),
  );
  for (const name of [
    "flip",
    "roll",
    "cumsum",
    "cumprod",
    "fliplr",
    "flipud",
    "scatter",
    "scatter_add",
    "index_fill",
    "index_add",
  ]) {
    register(t, { torch: [name], method: [name] }, rest, (a) => withShape(a, name, (x) => [...x]));
  }
  register(
    t,
    { torch: ["gather"], method: ["gather"] },
    [input, ["dim", REQUIRED], ["index", REQUIRED], ["**kwargs", null]],
    (a) => {
      const idx = shapeOf(a, "index", "gather");
      return { output: tensor(idx === null ? null : [...idx], dtypeArg(a, "input")), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["index_select"], method: ["index_select"] },
    [input, ["dim", REQUIRED], ["index", REQUIRED]],
    (a) =>
      withShape(a, "index_select", (x) => {
        const d = normalizeDim(intArg(a, "dim", "index_select"), x.length, "index_select");
        const idx = shapeOf(a, "index", "index_select");
        if (idx === null) throw new ShapeError("index_select: index shape is unknown");
        return setDim(x, d, idx.length === 0 ? 1 : idx[0]!);
      }),
  );
  register(
    t,
    { torch: ["narrow"], method: ["narrow"] },
    [input, ["dim", REQUIRED], ["start", REQUIRED], ["length", REQUIRED]],
    (a) =>
      withShape(a, "narrow", (x) =>
        setDim(x, normalizeDim(intArg(a, "dim", "narrow"), x.length, "narrow"), intArg(a, "length", "narrow")),
      ),
  );
  const topkSig: Signature = [input, ["k", REQUIRED], ["dim", -1], ["largest", true], ["sorted", true]];
  register(t, { torch: ["topk"], method: ["topk"] }, topkSig, (a) => {
    const x = shapeOf(a, "input", "topk");
    const dt = dtypeArg(a, "input");
    if (x === null) return { output: [tensor(null, dt), tensor(null, "int64")], macs: 0 };
    const d = normalizeDim(intArg(a, "dim", "topk"), x.length, "topk");
    const out = x.length === 0 ? [] : setDim(x, d, intArg(a, "k", "topk"));
    return { output: [tensor(out, dt), tensor([...out], "int64")], macs: 0 };
  });
  register(
    t,
    { torch: ["sort"], method: ["sort"] },
    [input, ["dim", -1], ["descending", false], ["**kwargs", null]],
    (a) => {
      const x = shapeOf(a, "input", "sort");
      return { output: [tensor(x && [...x], dtypeArg(a, "input")), tensor(x && [...x], "int64")], macs: 0 };
    },
  );
  register(t, { torch: ["argsort"], method: ["argsort"] }, rest, (a) =>
    withShape(a, "argsort", (x) => [...x], "int64"),
  );
  register(t, { method: ["unfold"] }, [input, ["dimension", REQUIRED], ["size", REQUIRED], ["step", REQUIRED]], (a) =>
    withShape(a, "Tensor.unfold", (x) => {
      const d = normalizeDim(intArg(a, "dimension", "Tensor.unfold"), x.length, "Tensor.unfold");
      const size = intArg(a, "size", "Tensor.unfold");
      const windows = Math.floor((x[d]! - size) / intArg(a, "step", "Tensor.unfold")) + 1;
      if (windows <= 0) throw new ShapeError(`Tensor.unfold: size ${size} exceeds dim ${d} of ${showShape(x)}`);
      return [...setDim(x, d, windows), size];
    }),
  );
  // Python values read out of a tensor depend on its data, which static analysis never has.
  for (const name of ["item", "tolist", "numpy"])
    register(t, { method: [name] }, [input], () => ({ output: UNKNOWN, macs: 0 }));
  register(
    t,
    { F: ["cosine_similarity"], torch: ["cosine_similarity"] },
    [
      ["x1", REQUIRED],
      ["x2", REQUIRED],
      ["dim", 1],
      ["eps", 1e-8],
    ],
    (a) => {
      const x1 = shapeOf(a, "x1", "cosine_similarity");
      const x2 = shapeOf(a, "x2", "cosine_similarity");
      if (x1 === null || x2 === null) return { output: tensor(null, dtypeArg(a, "x1")), macs: 0 };
      const b = broadcastShapes(x1, x2, "cosine_similarity");
      const d = normalizeDim(intArg(a, "dim", "cosine_similarity"), b.length, "cosine_similarity");
      return { output: tensor([...b.slice(0, d), ...b.slice(d + 1)], dtypeArg(a, "x1")), macs: 0 };
    },
  );
  register(
    t,
    { F: ["pairwise_distance"], torch: ["pairwise_distance"] },
    [
      ["x1", REQUIRED],
      ["x2", REQUIRED],
      ["p", 2.0],
      ["eps", 1e-6],
      ["keepdim", false],
    ],
    (a) => {
      const x1 = shapeOf(a, "x1", "pairwise_distance");
      const x2 = shapeOf(a, "x2", "pairwise_distance");
      if (x1 === null || x2 === null) return { output: tensor(null, dtypeArg(a, "x1")), macs: 0 };
      const b = broadcastShapes(x1, x2, "pairwise_distance");
      return {
        output: tensor(
          boolArg(a, "keepdim", "pairwise_distance") ? [...b.slice(0, -1), 1] : b.slice(0, -1),
          dtypeArg(a, "x1"),
        ),
        macs: 0,
      };
    },
  );
  // torch.outer is a broadcast multiply in aten, not a matrix product: 0 MACs.
  register(t, { torch: ["outer", "ger"], method: ["outer", "ger"] }, [input, ["vec2", REQUIRED]], (a) => {
    const x = shapeOf(a, "input", "outer");
    const y = shapeOf(a, "vec2", "outer");
    return { output: tensor(x === null || y === null ? null : [x[0] ?? 1, y[0] ?? 1], dtypeArg(a, "input")), macs: 0 };
  });
  const fused = (m1: string, m2: string): Signature => [input, [m1, REQUIRED], [m2, REQUIRED], ["**kwargs", null]];
  register(t, { torch: ["addmm"], method: ["addmm"] }, fused("mat1", "mat2"), (a) =>
    fusedProduct(a, "addmm", ["mat1", "mat2"], 2),
  );
  for (const name of ["baddbmm", "addbmm"]) {
    register(t, { torch: [name], method: [name] }, fused("batch1", "batch2"), (a) =>
      fusedProduct(a, name, ["batch1", "batch2"], 3),
    );
  }
  // How many elements these select depends on the values: the note says so, the shape stays unknown.
  const anyArgs: Signature = [input, ["*args", []], ["**kwargs", null]];
  for (const name of ["nonzero", "masked_select", "unique", "unique_consecutive", "argwhere", "bincount"]) {
    register(t, { torch: [name], method: [name] }, anyArgs, () => {
      throw new ArgError(`${name}: the output size depends on the tensor's values, so its shape is unknown`);
    });
  }
  register(t, { torch: ["histc"], method: ["histc"] }, [input, ["bins", 100], ["**kwargs", null]], (a) =>
    withShape(a, "histc", () => [intArg(a, "bins", "histc")]),
  );
}
