// Torch shape manipulation: view/reshape/flatten/permute/transpose/squeeze/expand/repeat/chunk/split/cat/stack,
// and the size queries (size, dim, numel, shape, ndim, T, mT). All 0 MACs.

import { type Arg, type Args, ArgError, type ForwardResult, REQUIRED, ShapeError, UNKNOWN } from "../layerSpec";
import { intArg, isTensor, raw, tensor, toIntList } from "../layers/argUtils";
import { flattenShape, inferReshape, normalizeDim, prod, showShape } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

/** `x.view(-1, 320)` binds *size = [-1, 320]; `x.view((-1, 320))` binds [[-1, 320]]. */
function sizesFrom(v: Arg | Record<string, Arg> | undefined, owner: string): number[] {
  const list = Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) ? v[0] : v;
  return toIntList((list ?? UNKNOWN) as Arg, "size", owner);
}

/** Runs `rule` on the input's shape, or returns an unknown tensor when that shape is unknown. */
function onShape(a: Args, owner: string, rule: (x: number[]) => number[]): ForwardResult {
  const x = shapeOf(a, "input", owner);
  return { output: tensor(x === null ? null : rule(x), dtypeArg(a, "input")), macs: 0 };
}

/** Like onShape for rules returning several tensors (chunk, split, unbind); unknown → UNKNOWN list. */
function onShapeMany(a: Args, owner: string, rule: (x: number[]) => number[][]): ForwardResult {
  const x = shapeOf(a, "input", owner);
  if (x === null) return { output: UNKNOWN, macs: 0 };
  const dt = dtypeArg(a, "input");
  return { output: rule(x).map((s) => tensor(s, dt)), macs: 0 };
}

/** Answers a query about the shape (size, dim, numel...), UNKNOWN when the shape is. */
function query(a: Args, owner: string, rule: (x: number[]) => Arg): ForwardResult {
  const x = shapeOf(a, "input", owner);
  return { output: x === null ? UNKNOWN : rule(x), macs: 0 };
}

function tensorsArg(a: Args, owner: string): Array<number[] | null> {
  const v = raw(a, "tensors");
  if (!Array.isArray(v)) throw new ArgError(`${owner}: tensors is ${v === UNKNOWN ? "unknown" : "not a sequence"}`);
  return v.map((t, i) => {
    if (t === UNKNOWN) return null;
    if (!isTensor(t)) throw new ShapeError(`${owner}: element ${i} of tensors is not a tensor`);
    return t.tensor;
  });
}

export function catShapes(shapes: Array<number[] | null>, dim: number, owner: string): number[] | null {
  if (shapes.length === 0) throw new ShapeError(`${owner}: expected a non-empty list of tensors`);
  if (shapes.some((s) => s === null)) return null;
  const known = (shapes as number[][]).filter((s) => !(s.length === 1 && s[0] === 0)); // torch skips legacy empty
  const first = known[0]!;
  const d = normalizeDim(dim, first.length, owner);
  const out = [...first];
  out[d] = 0;
  for (const s of known) {
    if (s.length !== first.length || s.some((v, i) => i !== d && v !== first[i])) {
      throw new ShapeError(
        `${owner}: sizes must match except in dim ${d}: got ${showShape(first)} and ${showShape(s)}`,
      );
    }
    out[d]! += s[d];
  }
  return out;
}

function splitSizes(n: number, v: Arg, owner: string): number[] {
  if (typeof v === "number") {
    if (v <= 0) throw new ArgError(`${owner}: split size must be positive, got ${v}`);
    const out: number[] = [];
    for (let left = n; left > 0; left -= v) out.push(Math.min(v, left));
    return out.length ? out : [0];
  }
  const sections = toIntList(v, "split_size_or_sections", owner);
  if (sections.reduce((x, y) => x + y, 0) !== n) {
    throw new ShapeError(`${owner}: sections ${showShape(sections)} do not sum to dim size ${n}`);
  }
  return sections;
}

function replaceDim(x: number[], d: number, size: number): number[] {
  const out = [...x];
  out[d] = size;
  return out;
}

export function registerShapeOps(t: FunctionTable): void {
  const input = ["input", REQUIRED] as const;
  for (const name of ["view", "reshape"]) {
    register(t, { method: [name] }, [input, ["*size", []]], (a) =>
      onShape(a, `Tensor.${name}`, (x) => inferReshape(x, sizesFrom(a["*size"], name), `Tensor.${name}`)),
    );
  }
  register(t, { torch: ["reshape"] }, [input, ["shape", REQUIRED]], (a) =>
    onShape(a, "torch.reshape", (x) => inferReshape(x, sizesFrom(a.shape, "reshape"), "torch.reshape")),
  );
  register(t, { torch: ["flatten"], method: ["flatten"] }, [input, ["start_dim", 0], ["end_dim", -1]], (a) =>
    onShape(a, "flatten", (x) =>
      flattenShape(x, intArg(a, "start_dim", "flatten"), intArg(a, "end_dim", "flatten"), "flatten"),
    ),
  );
  register(t, { method: ["permute"] }, [input, ["*dims", []]], (a) => permute(a, sizesFrom(a["*dims"], "permute")));
  register(t, { torch: ["permute"] }, [input, ["dims", REQUIRED]], (a) => permute(a, sizesFrom(a.dims, "permute")));
  register(
    t,
    { torch: ["transpose", "swapaxes"], method: ["transpose", "swapaxes"] },
    [input, ["dim0", REQUIRED], ["dim1", REQUIRED]],
    (a) =>
      onShape(a, "transpose", (x) => {
        const d0 = normalizeDim(intArg(a, "dim0", "transpose"), x.length, "transpose");
        const d1 = normalizeDim(intArg(a, "dim1", "transpose"), x.length, "transpose");
        const out = [...x];
        [out[d0], out[d1]] = [x[d1]!, x[d0]!];
        return out;
      }),
  );
  register(t, { method: ["contiguous"] }, [input, ["memory_format", null]], (a) =>
    onShape(a, "contiguous", (x) => [...x]),
  );
  register(t, { torch: ["unsqueeze"], method: ["unsqueeze"] }, [input, ["dim", REQUIRED]], (a) =>
    onShape(a, "unsqueeze", (x) => {
      const d = normalizeDim(intArg(a, "dim", "unsqueeze"), x.length + 1, "unsqueeze");
      return [...x.slice(0, d), 1, ...x.slice(d)];
    }),
  );
  register(t, { torch: ["squeeze"], method: ["squeeze"] }, [input, ["dim", null]], (a) =>
    onShape(a, "squeeze", (x) => {
      if (raw(a, "dim") === null) return x.filter((s) => s !== 1);
      const dims = toIntList(raw(a, "dim"), "dim", "squeeze").map((d) => normalizeDim(d, x.length, "squeeze"));
      return x.filter((s, i) => !(dims.includes(i) && s === 1));
    }),
  );
  register(t, { method: ["expand"] }, [input, ["*sizes", []]], (a) =>
    onShape(a, "expand", (x) => {
      const sizes = sizesFrom(a["*sizes"], "expand");
      if (sizes.length < x.length)
        throw new ShapeError(`expand: ${showShape(sizes)} has fewer dims than ${showShape(x)}`);
      const offset = sizes.length - x.length;
      return sizes.map((s, i) => {
        const cur = i >= offset ? x[i - offset]! : 1;
        if (s === -1) return cur;
        if (cur !== 1 && cur !== s)
          throw new ShapeError(`expand: cannot expand ${showShape(x)} to ${showShape(sizes)}`);
        return s;
      });
    }),
  );
  register(t, { method: ["repeat"] }, [input, ["*sizes", []]], (a) =>
    onShape(a, "repeat", (x) => {
      const reps = sizesFrom(a["*sizes"], "repeat");
      if (reps.length < x.length)
        throw new ShapeError(`repeat: ${showShape(reps)} has fewer dims than ${showShape(x)}`);
      const padded = [...Array<number>(reps.length - x.length).fill(1), ...x];
      return padded.map((s, i) => s * reps[i]!);
    }),
  );
  register(t, { torch: ["chunk"], method: ["chunk"] }, [input, ["chunks", REQUIRED], ["dim", 0]], (a) =>
    onShapeMany(a, "chunk", (x) => {
      const d = normalizeDim(intArg(a, "dim", "chunk"), x.length, "chunk");
      const chunks = intArg(a, "chunks", "chunk");
      if (chunks <= 0) throw new ArgError(`chunk: chunks must be positive, got ${chunks}`);
      const size = Math.ceil(x[d]! / chunks);
      return splitSizes(x[d]!, size, "chunk").map((s) => replaceDim(x, d, s));
    }),
  );
  register(t, { torch: ["split"], method: ["split"] }, [input, ["split_size_or_sections", REQUIRED], ["dim", 0]], (a) =>
    onShapeMany(a, "split", (x) => {
      const d = normalizeDim(intArg(a, "dim", "split"), x.length, "split");
      return splitSizes(x[d]!, raw(a, "split_size_or_sections"), "split").map((s) => replaceDim(x, d, s));
    }),
  );
  register(
    t,
    { torch: ["repeat_interleave"], method: ["repeat_interleave"] },
    [input, ["repeats", REQUIRED], ["dim", null], ["**kwargs", null]],
    (a) =>
      onShape(a, "repeat_interleave", (x) => {
        const reps = raw(a, "repeats");
        // Per-element repeat counts come from tensor data, so only an int repeat has a known result.
        if (typeof reps !== "number")
          throw new ArgError("repeat_interleave: repeats other than an int depend on tensor data");
        if (raw(a, "dim") === null) return [prod(x) * reps];
        const d = normalizeDim(intArg(a, "dim", "repeat_interleave"), x.length, "repeat_interleave");
        return replaceDim(x, d, x[d]! * reps);
      }),
  );
  register(t, { torch: ["unbind"], method: ["unbind"] }, [input, ["dim", 0]], (a) =>
    onShapeMany(a, "unbind", (x) => {
      const d = normalizeDim(intArg(a, "dim", "unbind"), x.length, "unbind");
      return Array.from({ length: x[d]! }, () => [...x.slice(0, d), ...x.slice(d + 1)]);
    }),
  );
  for (const name of ["cat", "concat", "concatenate"]) {
    register(
      t,
      { torch: [name] },
      [
        ["tensors", REQUIRED],
        ["dim", 0],
      ],
      (a) => {
        const first = (raw(a, "tensors") as Arg[])?.[0];
        const out = catShapes(tensorsArg(a, `torch.${name}`), intArg(a, "dim", `torch.${name}`), `torch.${name}`);
        return { output: tensor(out, isTensor(first) ? first.dtype : undefined), macs: 0 };
      },
    );
  }
  register(
    t,
    { torch: ["stack"] },
    [
      ["tensors", REQUIRED],
      ["dim", 0],
    ],
    (a) => {
      const shapes = tensorsArg(a, "torch.stack");
      if (shapes.length === 0) throw new ShapeError("torch.stack: expected a non-empty list of tensors");
      if (shapes.some((s) => s === null)) return { output: tensor(null), macs: 0 };
      const first = shapes[0]!;
      for (const s of shapes as number[][]) {
        if (showShape(s) !== showShape(first))
          throw new ShapeError(`torch.stack: shapes differ: ${showShape(first)} vs ${showShape(s)}`);
      }
      const d = normalizeDim(intArg(a, "dim", "torch.stack"), first.length + 1, "torch.stack");
      return { output: tensor([...first.slice(0, d), shapes.length, ...first.slice(d)]), macs: 0 };
    },
  );
  registerQueries(t);
}

function permute(a: Args, dims: number[]): ForwardResult {
  return onShape(a, "permute", (x) => {
    if (dims.length !== x.length) throw new ShapeError(`permute: ${showShape(dims)} does not match ${x.length} dims`);
    const norm = dims.map((d) => normalizeDim(d, x.length, "permute"));
    if (new Set(norm).size !== norm.length) throw new ArgError(`permute: repeated dim in ${showShape(dims)}`);
    return norm.map((d) => x[d]!);
  });
}

function registerQueries(t: FunctionTable): void {
  const self = ["input", REQUIRED] as const;
  register(t, { method: ["size"] }, [self, ["dim", null]], (a) =>
    query(a, "size", (x) =>
      raw(a, "dim") === null ? [...x] : x[normalizeDim(intArg(a, "dim", "size"), x.length, "size")]!,
    ),
  );
  register(t, { method: ["dim", "ndimension", "ndim"] }, [self], (a) => query(a, "dim", (x) => x.length));
  register(t, { torch: ["numel"], method: ["numel", "nelement"] }, [self], (a) => query(a, "numel", (x) => prod(x)));
  register(t, { method: ["shape"] }, [self], (a) => query(a, "shape", (x) => [...x]));
  register(t, { method: ["T"] }, [self], (a) => onShape(a, "T", (x) => [...x].reverse()));
  register(t, { method: ["mT"] }, [self], (a) =>
    onShape(a, "mT", (x) => {
      if (x.length < 2) throw new ShapeError(`mT: expected at least a 2-d tensor, got ${showShape(x)}`);
      return [...x.slice(0, -2), x[x.length - 1]!, x[x.length - 2]!];
    }),
  );
}
