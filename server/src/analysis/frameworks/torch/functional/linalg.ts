// Matrix products with MACs: matmul/@ (torch's 1-d/batched/broadcast rules), mm, bmm, einsum, F.linear, F.bilinear.

import { type Arg, type Args, ArgError, type ForwardResult, REQUIRED, ShapeError } from "../layerSpec";
import { isTensor, raw, tensor } from "../layers/argUtils";
import { broadcastShapes, prod, showShape } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

/** torch.matmul's shape rule and MAC count (product of batch × n × k × m). */
export function matmulShapes(x: number[], y: number[], owner: string): { out: number[]; macs: number } {
  if (x.length === 0 || y.length === 0) throw new ShapeError(`${owner}: both arguments need at least 1 dim`);
  const a = x.length === 1 ? [1, x[0]!] : x;
  const b = y.length === 1 ? [y[0]!, 1] : y;
  const k = a[a.length - 1]!;
  if (b[b.length - 2] !== k) {
    throw new ShapeError(`${owner}: ${showShape(x)} @ ${showShape(y)} — inner dims ${k} and ${b[b.length - 2]} differ`);
  }
  const n = a[a.length - 2]!;
  const m = b[b.length - 1]!;
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2), owner);
  const out = [...batch, ...(x.length === 1 ? [] : [n]), ...(y.length === 1 ? [] : [m])];
  return { out, macs: prod(batch) * n * k * m };
}

function product(a: Args, owner: string, check?: (x: number[], y: number[]) => void): ForwardResult {
  const x = shapeOf(a, "input", owner);
  const y = shapeOf(a, "other", owner);
  const dt = dtypeArg(a, "input");
  if (x === null || y === null) return { output: tensor(null, dt), macs: 0 };
  check?.(x, y);
  const { out, macs } = matmulShapes(x, y, owner);
  return { output: tensor(out, dt), macs };
}

function exactRank(rank: number, owner: string) {
  return (x: number[], y: number[]) => {
    if (x.length !== rank || y.length !== rank) {
      throw new ShapeError(`${owner}: expected two ${rank}-d tensors, got ${showShape(x)} and ${showShape(y)}`);
    }
  };
}

/** Label for the k-th ellipsis dim counted from the right; outside a-zA-Z so it never collides. */
const ellipsisLabel = (k: number): string => String.fromCharCode(0x100 + k);
const ellipsisLabels = (n: number): string => Array.from({ length: n }, (_, i) => ellipsisLabel(n - 1 - i)).join("");

/**
 * Parses "bij,bjk->bik" for operands of the given ranks. "..." becomes one label per broadcast dim
 * (aligned from the right, as torch does); an implicit output keeps the ellipsis dims, then the
 * labels seen once, sorted.
 */
export function parseEinsum(equation: string, ranks: number[], owner: string): { inputs: string[]; output: string } {
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhs] = eq.split("->") as [string, string | undefined];
  const raw = lhs.split(",");
  if (raw.length !== ranks.length) {
    throw new ArgError(`${owner}: "${equation}" names ${raw.length} operands, got ${ranks.length}`);
  }
  let widest = 0;
  const inputs = raw.map((labels, i) => {
    if (!labels.includes("...")) return labels;
    const n = ranks[i]! - (labels.length - 3);
    if (n < 0) throw new ShapeError(`${owner}: "${labels}" has more labels than the operand's ${ranks[i]} dims`);
    widest = Math.max(widest, n);
    return labels.replace("...", ellipsisLabels(n));
  });
  if (inputs.some((l) => l.includes("."))) throw new ArgError(`${owner}: malformed equation "${equation}"`);
  if (rhs !== undefined) return { inputs, output: rhs.replace("...", ellipsisLabels(widest)) };
  const counts = new Map<string, number>();
  for (const ch of inputs.join("")) if (ch < "\u0100") counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const singles = [...counts]
    .filter(([, c]) => c === 1)
    .map(([ch]) => ch)
    .sort()
    .join("");
  return { inputs, output: ellipsisLabels(widest) + singles };
}

/**
 * einsum as torch 1.13 evaluates it without opt_einsum: operands are contracted left to right; a pair
 * with at least one summed index becomes one bmm over every remaining index (MACs = their product),
 * while a pair with nothing to sum is an elementwise multiply (0 MACs). Indices only one operand
 * uses and nobody needs later are summed out first, which costs no MACs.
 */
export function einsumShapes(equation: string, shapes: number[][], owner: string): { out: number[]; macs: number } {
  const { inputs, output } = parseEinsum(
    equation,
    shapes.map((sh) => sh.length),
    owner,
  );
  const size = new Map<string, number>();
  inputs.forEach((labels, i) => {
    const s = shapes[i]!;
    if (labels.length !== s.length) throw new ShapeError(`${owner}: "${labels}" does not match ${showShape(s)}`);
    [...labels].forEach((ch, j) => {
      const prev = size.get(ch);
      if (prev !== undefined && prev !== s[j] && prev !== 1 && s[j] !== 1) {
        throw new ShapeError(`${owner}: index ${ch} has sizes ${prev} and ${s[j]}`);
      }
      size.set(ch, Math.max(prev ?? 1, s[j]!));
    });
  });
  for (const ch of output) if (!size.has(ch)) throw new ArgError(`${owner}: output index ${ch} is not in any input`);
  let macs = 0;
  let acc = new Set(inputs[0]);
  for (let i = 1; i < inputs.length; i++) {
    const later = new Set([...output, ...inputs.slice(i + 1).join("")]);
    const right = new Set(inputs[i]);
    // Sum out indices private to one side first.
    acc = new Set([...acc].filter((ch) => later.has(ch) || right.has(ch)));
    const r = new Set([...right].filter((ch) => later.has(ch) || acc.has(ch)));
    const summed = [...acc].filter((ch) => r.has(ch) && !later.has(ch));
    const all = new Set([...acc, ...r]);
    if (summed.length > 0) macs += prod([...all].map((ch) => size.get(ch)!));
    acc = new Set([...all].filter((ch) => later.has(ch)));
  }
  return { out: [...output].map((ch) => size.get(ch)!), macs };
}

export function registerLinalg(t: FunctionTable): void {
  const pair = [
    ["input", REQUIRED],
    ["other", REQUIRED],
  ] as const;
  register(t, { torch: ["matmul"], method: ["matmul", "__matmul__"] }, pair, (a) => product(a, "matmul"));
  register(t, { method: ["__rmatmul__"] }, pair, (a) => product({ input: a.other!, other: a.input! }, "matmul"));
  register(
    t,
    { torch: ["mm"], method: ["mm"] },
    [
      ["input", REQUIRED],
      ["mat2", REQUIRED],
    ],
    (a) => product({ input: a.input!, other: a.mat2! }, "mm", exactRank(2, "mm")),
  );
  register(
    t,
    { torch: ["bmm"], method: ["bmm"] },
    [
      ["input", REQUIRED],
      ["mat2", REQUIRED],
    ],
    (a) => product({ input: a.input!, other: a.mat2! }, "bmm", exactRank(3, "bmm")),
  );
  // torch.cdist(x1 (…, P, M), x2 (…, R, M)) → (…, P, R). 0 MACs by the oracle's convention: torch
  // 1.13 dispatches it as aten::_euclidean_dist / _cdist_forward, which the counter does not price
  // (test/oracle/torch_counter.py), though for P or R > 25 it runs a (M+2)-deep matmul inside.
  register(
    t,
    { torch: ["cdist"] },
    [
      ["x1", REQUIRED],
      ["x2", REQUIRED],
      ["p", 2],
      ["compute_mode", "use_mm_for_euclid_dist_if_necessary"],
    ],
    (a) => {
      const x = shapeOf(a, "x1", "cdist");
      const y = shapeOf(a, "x2", "cdist");
      const dt = dtypeArg(a, "x1");
      if (x === null || y === null) return { output: tensor(null, dt), macs: 0 };
      if (x.length < 2 || y.length < 2 || x[x.length - 1] !== y[y.length - 1])
        throw new ShapeError(`cdist: ${showShape(x)} and ${showShape(y)} need matching last dims`);
      const batch = broadcastShapes(x.slice(0, -2), y.slice(0, -2), "cdist");
      return { output: tensor([...batch, x[x.length - 2]!, y[y.length - 2]!], dt), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["einsum"] },
    [
      ["equation", REQUIRED],
      ["*operands", []],
    ],
    (a) => {
      const eq = raw(a, "equation");
      if (typeof eq !== "string") throw new ArgError("torch.einsum: equation is unknown");
      let ops = (a["*operands"] ?? []) as Arg[];
      if (ops.length === 1 && Array.isArray(ops[0])) ops = ops[0];
      const shapes = ops.map((o) => (isTensor(o) ? o.tensor : null));
      if (shapes.some((s) => s === null)) return { output: tensor(null), macs: 0 };
      const { out, macs } = einsumShapes(eq, shapes as number[][], "torch.einsum");
      return { output: tensor(out, isTensor(ops[0]) ? ops[0].dtype : undefined), macs };
    },
  );
  register(
    t,
    { F: ["linear"] },
    [
      ["input", REQUIRED],
      ["weight", REQUIRED],
      ["bias", null],
    ],
    (a) => {
      const x = shapeOf(a, "input", "F.linear");
      const w = shapeOf(a, "weight", "F.linear");
      if (x === null || w === null) return { output: tensor(null, dtypeArg(a, "input")), macs: 0 };
      // weight is (out, in) or (in,); y = x @ wᵀ.
      const wt = w.length === 2 ? [w[1]!, w[0]!] : w;
      const { out, macs } = matmulShapes(x, wt, "F.linear");
      return { output: tensor(out, dtypeArg(a, "input")), macs };
    },
  );
  register(
    t,
    { F: ["bilinear"] },
    [
      ["input1", REQUIRED],
      ["input2", REQUIRED],
      ["weight", REQUIRED],
      ["bias", null],
    ],
    (a) => {
      const x1 = shapeOf(a, "input1", "F.bilinear");
      const x2 = shapeOf(a, "input2", "F.bilinear");
      const w = shapeOf(a, "weight", "F.bilinear");
      if (x1 === null || x2 === null || w === null) return { output: tensor(null), macs: 0 };
      if (w.length !== 3) throw new ShapeError(`F.bilinear: weight must be 3-d, got ${showShape(w)}`);
      const lead = broadcastShapes(x1.slice(0, -1), x2.slice(0, -1), "F.bilinear");
      return { output: tensor([...lead, w[0]!], dtypeArg(a, "input1")), macs: prod(lead) * prod(w) };
    },
  );
  register(
    t,
    { torch: ["dot"], method: ["dot"] },
    [
      ["input", REQUIRED],
      ["other", REQUIRED],
    ],
    (a) => product(a, "dot", exactRank(1, "dot")),
  );
  register(
    t,
    { torch: ["mv"], method: ["mv"] },
    [
      ["input", REQUIRED],
      ["vec", REQUIRED],
    ],
    (a) => product({ input: a.input!, other: a.vec! }, "mv"),
  );
}
