// Torch tensor constructors: zeros/ones/empty/rand/randn/full/arange/linspace/eye/randint/tensor, *_like,
// new_full/new_tensor and meshgrid (shape from the arguments, dtype from the dtype keyword). 0 MACs.

import { type Arg, type Args, ArgError, REQUIRED, type Signature, UNKNOWN } from "../layerSpec";
import { isTensor, raw, tensor, toIntList } from "../layers/argUtils";
import { dtypeArg, dtypeName, type FunctionTable, register, shapeOf } from "./fnUtils";

function keyword(a: Args, name: string): Arg | undefined {
  const kw = a["**kwargs"];
  return kw && typeof kw === "object" && !Array.isArray(kw) && !isTensor(kw)
    ? (kw as Record<string, Arg>)[name]
    : undefined;
}

function sizeFrom(v: Arg | Record<string, Arg> | undefined, owner: string): number[] {
  const list = Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) ? v[0] : v;
  return toIntList((list ?? UNKNOWN) as Arg, "size", owner);
}

/** Elements of the arange start..end by step (torch: ceil((end - start) / step)). */
export function arangeLength(start: number, end: number, step: number, owner: string): number {
  if (step === 0) throw new ArgError(`${owner}: step must be nonzero`);
  return Math.max(0, Math.ceil((end - start) / step));
}

function nestedShape(v: Arg, owner: string): number[] {
  if (!Array.isArray(v)) {
    if (typeof v === "number" || typeof v === "boolean") return [];
    throw new ArgError(`${owner}: data is not a (nested) list of numbers`);
  }
  if (v.length === 0) return [0];
  return [v.length, ...nestedShape(v[0]!, owner)];
}

function flatValues(v: Arg): Arg[] {
  return Array.isArray(v) ? v.flatMap(flatValues) : [v];
}

export function registerCreation(t: FunctionTable): void {
  const sized: Signature = [
    ["*size", []],
    ["**kwargs", null],
  ];
  for (const name of ["zeros", "ones", "empty", "rand", "randn"]) {
    register(t, { torch: [name] }, sized, (a) => {
      const dt = dtypeName(keyword(a, "dtype"));
      const size = keyword(a, "size") ?? a["*size"];
      return { output: tensor(sizeFrom(size, `torch.${name}`), dt), macs: 0 };
    });
  }
  register(t, { method: ["new_zeros", "new_ones", "new_empty"] }, [["input", REQUIRED], ...sized], (a) => ({
    output: tensor(sizeFrom(a["*size"], "new_zeros"), dtypeName(keyword(a, "dtype")) ?? dtypeArg(a, "input")),
    macs: 0,
  }));
  register(
    t,
    { method: ["new_full"] },
    [
      ["input", REQUIRED],
      ["size", REQUIRED],
      ["fill_value", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => ({
      output: tensor(sizeFrom(a.size, "new_full"), dtypeName(keyword(a, "dtype")) ?? dtypeArg(a, "input")),
      macs: 0,
    }),
  );
  register(
    t,
    { method: ["new_tensor"] },
    [
      ["input", REQUIRED],
      ["data", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => {
      const data = raw(a, "data");
      const shape = isTensor(data) ? data.tensor : nestedShape(data, "new_tensor");
      return { output: tensor(shape, dtypeName(keyword(a, "dtype")) ?? dtypeArg(a, "input")), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["meshgrid"] },
    [
      ["*tensors", []],
      ["indexing", "ij"],
    ],
    (a) => {
      // meshgrid(a, b) or meshgrid([a, b]): each output has one axis per input, of that input's length.
      let ts = (a["*tensors"] as Arg[]) ?? [];
      if (ts.length === 1 && Array.isArray(ts[0])) ts = ts[0];
      if (ts.length === 0) throw new ArgError("torch.meshgrid: expected at least one tensor");
      const sizes: number[] = [];
      for (const x of ts) {
        if (!isTensor(x)) throw new ArgError("torch.meshgrid: expected tensors");
        if (x.tensor === null) return { output: ts.map(() => tensor(null)), macs: 0 };
        if (x.tensor.length > 1) throw new ArgError("torch.meshgrid: expected 0-d or 1-d tensors");
        sizes.push(x.tensor.length === 0 ? 1 : x.tensor[0]!);
      }
      // indexing="xy" (numpy's default) swaps the first two axes.
      if (raw(a, "indexing") === "xy" && sizes.length >= 2) [sizes[0], sizes[1]] = [sizes[1]!, sizes[0]!];
      return { output: ts.map((x) => tensor([...sizes], isTensor(x) ? x.dtype : undefined)), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["full"] },
    [
      ["size", REQUIRED],
      ["fill_value", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => {
      // Arg numbers do not say int vs float (7 and 7.0 look alike), so only a bool fill sets the dtype;
      // otherwise the default dtype stands unless the call names one.
      const inferred = typeof raw(a, "fill_value") === "boolean" ? "bool" : undefined;
      return { output: tensor(sizeFrom(a.size, "torch.full"), dtypeName(keyword(a, "dtype")) ?? inferred), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["arange"] },
    [
      ["*args", []],
      ["**kwargs", null],
    ],
    (a) => {
      const pos = (a["*args"] as Arg[]) ?? [];
      const nums = [...pos, keyword(a, "start"), keyword(a, "end"), keyword(a, "step")].filter((v) => v !== undefined);
      if (nums.some((v) => typeof v !== "number")) return { output: tensor(null), macs: 0 };
      const [start, end, step] =
        pos.length >= 2
          ? [pos[0] as number, pos[1] as number, (pos[2] ?? keyword(a, "step") ?? 1) as number]
          : [
              (keyword(a, "start") ?? 0) as number,
              (pos[0] ?? keyword(a, "end")) as number,
              (keyword(a, "step") ?? 1) as number,
            ];
      // Integer-valued bounds are taken as Python ints (int64), the common `arange(n)` case.
      const ints = [start, end, step].every((v) => Number.isInteger(v));
      const dt = dtypeName(keyword(a, "dtype")) ?? (ints ? "int64" : "float32");
      return { output: tensor([arangeLength(start, end, step, "torch.arange")], dt), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["linspace", "logspace"] },
    [
      ["start", REQUIRED],
      ["end", REQUIRED],
      ["steps", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => ({
      output: tensor(toIntList(raw(a, "steps"), "steps", "torch.linspace"), dtypeName(keyword(a, "dtype"))),
      macs: 0,
    }),
  );
  register(
    t,
    { torch: ["eye"] },
    [
      ["n", REQUIRED],
      ["m", null],
      ["**kwargs", null],
    ],
    (a) => {
      const n = toIntList(raw(a, "n"), "n", "torch.eye")[0]!;
      const m = raw(a, "m") === null ? n : toIntList(raw(a, "m"), "m", "torch.eye")[0]!;
      return { output: tensor([n, m], dtypeName(keyword(a, "dtype"))), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["randint"] },
    [
      ["*args", []],
      ["**kwargs", null],
    ],
    (a) => {
      const pos = (a["*args"] as Arg[]) ?? [];
      const size = keyword(a, "size") ?? pos[pos.length - 1];
      return { output: tensor(sizeFrom(size, "torch.randint"), dtypeName(keyword(a, "dtype")) ?? "int64"), macs: 0 };
    },
  );
  register(
    t,
    { torch: ["randperm"] },
    [
      ["n", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => ({
      output: tensor(toIntList(raw(a, "n"), "n", "torch.randperm"), dtypeName(keyword(a, "dtype")) ?? "int64"),
      macs: 0,
    }),
  );
  register(
    t,
    { torch: ["tensor", "as_tensor"] },
    [
      ["data", REQUIRED],
      ["**kwargs", null],
    ],
    (a) => {
      const data = raw(a, "data");
      if (isTensor(data)) return { output: tensor(data.tensor, data.dtype), macs: 0 };
      const values = flatValues(data);
      const inferred = values.every((v) => typeof v === "boolean")
        ? "bool"
        : values.every((v) => typeof v === "number" && Number.isInteger(v))
          ? "int64"
          : "float32";
      return { output: tensor(nestedShape(data, "torch.tensor"), dtypeName(keyword(a, "dtype")) ?? inferred), macs: 0 };
    },
  );
  const like: Signature = [
    ["input", REQUIRED],
    ["*args", []],
    ["**kwargs", null],
  ];
  for (const name of [
    "zeros_like",
    "ones_like",
    "empty_like",
    "rand_like",
    "randn_like",
    "full_like",
    "randint_like",
  ]) {
    register(t, { torch: [name] }, like, (a) => {
      const x = shapeOf(a, "input", `torch.${name}`);
      return {
        output: tensor(x === null ? null : [...x], dtypeName(keyword(a, "dtype")) ?? dtypeArg(a, "input")),
        macs: 0,
      };
    });
  }
}
