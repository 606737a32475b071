// More torch layout ops (0 MACs): t, movedim, unflatten, tile, broadcast_to, ravel, select, diagonal,
// diag, tensor_split, hstack/vstack/dstack, triu/tril_indices, and the complex views that rotary
// embeddings use (view_as_complex/view_as_real, polar, complex, real/imag).

import { type Arg, type Args, ArgError, type ForwardResult, REQUIRED, ShapeError } from "../layerSpec";
import { intArg, isTensor, raw, tensor, toIntList } from "../layers/argUtils";
import { broadcastShapes, normalizeDim, prod, showShape } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";
import { catShapes } from "./shapeOps";

const input = ["input", REQUIRED] as const;

function onShape(a: Args, owner: string, rule: (x: number[]) => number[], dtype?: string): ForwardResult {
  const x = shapeOf(a, "input", owner);
  return { output: tensor(x === null ? null : rule(x), dtype ?? dtypeArg(a, "input")), macs: 0 };
}

/** `x.tile(2, 3)` binds [2, 3]; `x.tile((2, 3))` binds [[2, 3]]. */
function sizes(v: Arg | Record<string, Arg> | undefined, owner: string): number[] {
  const list = Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) ? v[0] : v;
  return toIntList((list ?? []) as Arg, "size", owner);
}

function tensorList(a: Args, owner: string): Array<number[] | null> {
  const v = raw(a, "tensors");
  if (!Array.isArray(v)) throw new ArgError(`${owner}: tensors is not a sequence`);
  return v.map((t) => (isTensor(t) ? t.tensor : null));
}

/** Splits n into `sections` near-equal parts (torch.tensor_split / np.array_split) or at indices. */
function splitPoints(n: number, v: Arg, owner: string): number[] {
  if (typeof v === "number") {
    const q = Math.floor(n / v);
    const r = n % v;
    return Array.from({ length: v }, (_, i) => q + (i < r ? 1 : 0));
  }
  const idx = toIntList(v, "indices", owner).map((i) => Math.min(n, Math.max(0, i < 0 ? i + n : i)));
  const out: number[] = [];
  let prev = 0;
  for (const i of [...idx, n]) {
    out.push(Math.max(0, i - prev));
    prev = Math.max(prev, i);
  }
  return out;
}

function atLeast(x: number[], n: number): number[] {
  if (x.length >= n) return x;
  if (n === 3) return x.length === 0 ? [1, 1, 1] : x.length === 1 ? [1, x[0]!, 1] : [...x, 1];
  return [...Array<number>(n - x.length).fill(1), ...x];
}

export function registerLayoutOps(t: FunctionTable): void {
  register(t, { torch: ["t"], method: ["t"] }, [input], (a) =>
    onShape(a, "t", (x) => {
      if (x.length > 2) throw new ShapeError(`t: expects a tensor with <= 2 dims, got ${showShape(x)}`);
      return [...x].reverse();
    }),
  );
  register(t, { torch: ["swapdims"], method: ["swapdims"] }, [input, ["dim0", REQUIRED], ["dim1", REQUIRED]], (a) =>
    onShape(a, "swapdims", (x) => {
      const d0 = normalizeDim(intArg(a, "dim0", "swapdims"), x.length, "swapdims");
      const d1 = normalizeDim(intArg(a, "dim1", "swapdims"), x.length, "swapdims");
      const out = [...x];
      [out[d0], out[d1]] = [x[d1]!, x[d0]!];
      return out;
    }),
  );
  const movedim = [input, ["source", REQUIRED], ["destination", REQUIRED]] as const;
  register(t, { torch: ["movedim", "moveaxis"], method: ["movedim", "moveaxis"] }, movedim, (a) =>
    onShape(a, "movedim", (x) => {
      const src = toIntList(raw(a, "source"), "source", "movedim").map((d) => normalizeDim(d, x.length, "movedim"));
      const dst = toIntList(raw(a, "destination"), "destination", "movedim").map((d) =>
        normalizeDim(d, x.length, "movedim"),
      );
      if (src.length !== dst.length) throw new ArgError("movedim: source and destination differ in length");
      const out = Array<number | undefined>(x.length).fill(undefined);
      src.forEach((s, i) => {
        out[dst[i]!] = x[s];
      });
      const rest = x.filter((_, i) => !src.includes(i));
      return out.map((v) => (v === undefined ? rest.shift()! : v));
    }),
  );
  register(t, { torch: ["unflatten"], method: ["unflatten"] }, [input, ["dim", REQUIRED], ["sizes", REQUIRED]], (a) =>
    onShape(a, "unflatten", (x) => {
      const d = normalizeDim(intArg(a, "dim", "unflatten"), x.length, "unflatten");
      const s = toIntList(raw(a, "sizes"), "sizes", "unflatten");
      const known = prod(s.filter((v) => v !== -1));
      const filled = s.map((v) => (v === -1 ? x[d]! / known : v));
      if (prod(filled) !== x[d]) throw new ShapeError(`unflatten: ${showShape(s)} does not multiply to ${x[d]}`);
      return [...x.slice(0, d), ...filled, ...x.slice(d + 1)];
    }),
  );
  register(t, { method: ["tile"] }, [input, ["*dims", []]], (a) =>
    onShape(a, "tile", (x) => tileShape(x, sizes(a["*dims"], "tile"))),
  );
  register(t, { torch: ["tile"] }, [input, ["dims", REQUIRED]], (a) =>
    onShape(a, "tile", (x) => tileShape(x, sizes(a.dims, "tile"))),
  );
  register(t, { torch: ["broadcast_to"], method: ["broadcast_to"] }, [input, ["size", REQUIRED]], (a) =>
    onShape(a, "broadcast_to", (x) => {
      const s = sizes(a.size, "broadcast_to");
      const full = s.map((v, i) => (v === -1 ? (x[x.length - s.length + i] ?? 1) : v));
      if (showShape(broadcastShapes(x, full, "broadcast_to")) !== showShape(full))
        throw new ShapeError(`broadcast_to: cannot broadcast ${showShape(x)} to ${showShape(s)}`);
      return full;
    }),
  );
  register(t, { torch: ["ravel"], method: ["ravel"] }, [input], (a) => onShape(a, "ravel", (x) => [prod(x)]));
  register(t, { torch: ["select"], method: ["select"] }, [input, ["dim", REQUIRED], ["index", REQUIRED]], (a) =>
    onShape(a, "select", (x) => {
      const d = normalizeDim(intArg(a, "dim", "select"), x.length, "select");
      return [...x.slice(0, d), ...x.slice(d + 1)];
    }),
  );
  const diagSig = [input, ["offset", 0], ["dim1", 0], ["dim2", 1]] as const;
  register(t, { torch: ["diagonal"], method: ["diagonal"] }, diagSig, (a) =>
    onShape(a, "diagonal", (x) => {
      const d1 = normalizeDim(intArg(a, "dim1", "diagonal"), x.length, "diagonal");
      const d2 = normalizeDim(intArg(a, "dim2", "diagonal"), x.length, "diagonal");
      const off = intArg(a, "offset", "diagonal");
      const len = Math.max(0, off >= 0 ? Math.min(x[d1]!, x[d2]! - off) : Math.min(x[d1]! + off, x[d2]!));
      return [...x.filter((_, i) => i !== d1 && i !== d2), len];
    }),
  );
  register(t, { torch: ["diag"], method: ["diag"] }, [input, ["diagonal", 0]], (a) =>
    onShape(a, "diag", (x) => {
      const k = intArg(a, "diagonal", "diag");
      if (x.length === 1) return [x[0]! + Math.abs(k), x[0]! + Math.abs(k)];
      if (x.length !== 2) throw new ShapeError(`diag: expects a 1-d or 2-d tensor, got ${showShape(x)}`);
      return [Math.max(0, k >= 0 ? Math.min(x[0]!, x[1]! - k) : Math.min(x[0]! + k, x[1]!))];
    }),
  );
  register(
    t,
    { torch: ["tensor_split"], method: ["tensor_split"] },
    [input, ["indices_or_sections", REQUIRED], ["dim", 0]],
    (a) => {
      const x = shapeOf(a, "input", "tensor_split");
      if (x === null) return { output: [tensor(null)], macs: 0 };
      const d = normalizeDim(intArg(a, "dim", "tensor_split"), x.length, "tensor_split");
      const parts = splitPoints(x[d]!, raw(a, "indices_or_sections"), "tensor_split");
      const dt = dtypeArg(a, "input");
      return { output: parts.map((p) => tensor([...x.slice(0, d), p, ...x.slice(d + 1)], dt)), macs: 0 };
    },
  );
  const stackLike: Record<string, (x: number[]) => number[]> = {
    hstack: (x) => atLeast(x, 1),
    vstack: (x) => atLeast(x, 2),
    row_stack: (x) => atLeast(x, 2),
    dstack: (x) => atLeast(x, 3),
  };
  for (const [name, lift] of Object.entries(stackLike)) {
    register(t, { torch: [name] }, [["tensors", REQUIRED]], (a) => {
      const shapes = tensorList(a, `torch.${name}`).map((s) => (s === null ? null : lift(s)));
      const first = shapes[0];
      const dim = name === "hstack" ? (first && first.length === 1 ? 0 : 1) : name === "dstack" ? 2 : 0;
      return { output: tensor(catShapes(shapes, dim, `torch.${name}`)), macs: 0 };
    });
  }
  for (const [name, n] of [
    ["atleast_1d", 1],
    ["atleast_2d", 2],
    ["atleast_3d", 3],
  ] as const) {
    register(t, { torch: [name] }, [input], (a) => onShape(a, name, (x) => atLeast(x, n)));
  }
  for (const name of ["triu_indices", "tril_indices"]) {
    register(
      t,
      { torch: [name] },
      [
        ["row", REQUIRED],
        ["col", REQUIRED],
        ["offset", 0],
        ["**kwargs", null],
      ],
      (a) => {
        const [r, c, k] = ["row", "col", "offset"].map((n) => intArg(a, n, `torch.${name}`)) as [
          number,
          number,
          number,
        ];
        let count = 0;
        for (let i = 0; i < r; i++) {
          // Row i keeps columns j with j - i >= k (triu) or j - i <= k (tril).
          const lo = name === "triu_indices" ? Math.max(0, i + k) : 0;
          const hi = name === "triu_indices" ? c : Math.min(c, i + k + 1);
          count += Math.max(0, hi - lo);
        }
        return { output: tensor([2, count], "int64"), macs: 0 };
      },
    );
  }
  registerComplexViews(t);
}

function tileShape(x: number[], reps: number[]): number[] {
  const n = Math.max(x.length, reps.length);
  const xs = [...Array<number>(n - x.length).fill(1), ...x];
  const rs = [...Array<number>(n - reps.length).fill(1), ...reps];
  return xs.map((s, i) => s * rs[i]!);
}

/** Complex tensors as rotary embeddings use them (Llama's freqs_cis): shapes only, elementwise cost 0. */
function registerComplexViews(t: FunctionTable): void {
  register(t, { torch: ["view_as_complex"] }, [input], (a) =>
    onShape(
      a,
      "view_as_complex",
      (x) => {
        if (x[x.length - 1] !== 2) throw new ShapeError(`view_as_complex: last dim must be 2, got ${showShape(x)}`);
        return x.slice(0, -1);
      },
      dtypeArg(a, "input") === "float64" ? "complex128" : "complex64",
    ),
  );
  register(t, { torch: ["view_as_real"] }, [input], (a) =>
    onShape(a, "view_as_real", (x) => [...x, 2], dtypeArg(a, "input") === "complex128" ? "float64" : "float32"),
  );
  for (const [name, names] of [
    ["polar", ["abs", "angle"]],
    ["complex", ["real", "imag"]],
  ] as const) {
    register(
      t,
      { torch: [name] },
      [
        [names[0], REQUIRED],
        [names[1], REQUIRED],
      ],
      (a) => {
        const [p, q] = [shapeOf(a, names[0], name), shapeOf(a, names[1], name)];
        const out = p === null || q === null ? null : broadcastShapes(p, q, `torch.${name}`);
        return { output: tensor(out, dtypeArg(a, names[0]) === "float64" ? "complex128" : "complex64"), macs: 0 };
      },
    );
  }
  for (const name of ["real", "imag", "angle"]) {
    register(t, { torch: [name], method: [name] }, [input], (a) =>
      onShape(a, name, (x) => [...x], dtypeArg(a, "input") === "complex128" ? "float64" : "float32"),
    );
  }
}
