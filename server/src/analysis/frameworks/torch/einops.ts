// The `einops` package on torch tensors: rearrange/repeat/reduce, einsum with named axes,
// parse_shape, and the einops.layers.torch Rearrange/Reduce modules (no parameters, 0 MACs except
// einsum, which is torch.einsum and counted as such). Shapes come from einopsShapes.ts.
import type { Node } from "web-tree-sitter";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule } from "../../evaluate/nativeHelpers";
import {
  asInt,
  builtin,
  dictFrom,
  int,
  type InstanceV,
  type Kw,
  NONE,
  str,
  tensor,
  unknown,
  type Value,
} from "../../evaluate/values";
import { einopsShape, einsumEquation } from "./einopsShapes";
import { torchRoot } from "./package";
import { callTorchFunction } from "./tensorOps";

type Kind = "rearrange" | "repeat" | "reduce";

/** A tensor, or a list of same-shaped tensors, which einops stacks on a new first axis. */
function inputOf(v: Value | undefined): { shape: number[] | null; dtype: string } | null {
  if (v?.k === "tensor") return { shape: v.shape, dtype: v.dtype };
  if ((v?.k === "list" || v?.k === "tuple") && v.items[0]?.k === "tensor") {
    const first = v.items[0];
    return { shape: first.shape ? [v.items.length, ...first.shape] : null, dtype: first.dtype };
  }
  return null;
}

function axesFrom(kw: Kw): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const [k, v] of kw) {
    if (k === "reduction") continue;
    const n = asInt(v);
    if (n === null) return null;
    out[k] = n;
  }
  return out;
}

function apply(
  ip: Interp,
  kind: Kind,
  x: Value | undefined,
  pattern: Value | undefined,
  kw: Kw,
  node: Node | null,
): Value {
  const input = inputOf(x);
  if (!input) return unknown(`einops.${kind} of a value that is not a tensor`, node);
  const axes = axesFrom(kw);
  if (pattern?.k !== "str" || !input.shape || !axes) return tensor(null, input.dtype);
  try {
    return tensor(einopsShape(kind, pattern.v, input.shape, axes), input.dtype);
  } catch (err) {
    ip.note(err instanceof Error ? err.message : String(err), node);
    return tensor(null, input.dtype);
  }
}

/** Rearrange(pattern, **axes) / Reduce(pattern, reduction, **axes): modules whose forward is the function. */
function layerClass(ip: Interp, kind: "rearrange" | "reduce"): Value {
  torchRoot(ip); // makes the nn.Module base class of this analysis
  const name = kind === "rearrange" ? "Rearrange" : "Reduce";
  const configs = new WeakMap<InstanceV, { pattern: Value | undefined; kw: Kw }>();
  const forward = builtin(`${name}.forward`, (ip2, [self, x], _kw, node) => {
    const c = self?.k === "instance" ? configs.get(self) : undefined;
    return c ? apply(ip2, kind, x, c.pattern, c.kw, node) : unknown(`${name} forward without its pattern`, node);
  });
  return makeClass(name, [ip.torch!.moduleClass], new Map([["forward", forward]]), {
    qualname: `einops.layers.torch.${name}`,
    native: {
      init(_ip, [self, pattern], kw) {
        if (self?.k === "instance") configs.set(self, { pattern, kw });
        return NONE;
      },
    },
  });
}

export function einopsRoot(ip: Interp): Value {
  const op = (kind: Kind) =>
    fn(`einops.${kind}`, (ip2, [x, pattern, reduction], kw, node) => {
      // reduce(x, pattern, reduction): the reduction ("mean", "max"...) does not change the shape.
      void reduction;
      return apply(ip2, kind, x, pattern, kw, node);
    });
  let layers: Value | null = null;
  const torchLayers = () =>
    (layers ??= nativeModule("einops.layers.torch", {
      Rearrange: layerClass(ip, "rearrange"),
      Reduce: layerClass(ip, "reduce"),
    }));
  return nativeModule(
    "einops",
    {
      rearrange: op("rearrange"),
      repeat: op("repeat"),
      reduce: op("reduce"),
      // einsum(*tensors, pattern): torch.einsum with one letter per axis name, so its MACs count.
      einsum: fn("einops.einsum", (ip2, args, _kw, node) => {
        const pattern = args[args.length - 1];
        if (pattern?.k !== "str") return unknown("einops.einsum without a pattern string", node);
        return callTorchFunction(
          ip2,
          "torch.einsum",
          [str(einsumEquation(pattern.v)), ...args.slice(0, -1)],
          new Map(),
          node,
        );
      }),
      parse_shape: fn("einops.parse_shape", (_ip, [x, pattern], _kw, node) => {
        if (x?.k !== "tensor" || !x.shape || pattern?.k !== "str") return unknown("einops.parse_shape", node);
        const names = pattern.v.trim().split(/\s+/);
        if (names.length !== x.shape.length) return unknown("einops.parse_shape: pattern and rank differ", node);
        const shape = x.shape;
        return dictFrom(names.flatMap((n, i) => (n === "_" ? [] : [[str(n), int(shape[i]!)] as [Value, Value]])));
      }),
    },
    (attr) =>
      attr === "layers"
        ? nativeModule("einops.layers", {}, (a) => (a === "torch" ? torchLayers() : undefined))
        : undefined,
  );
}
