// Ray Tune (the common subset): `tune.run(fn, config=..., num_samples=N)` and
// `tune.Tuner(fn, param_space=..., tune_config=tune.TuneConfig(num_samples=N)).fit()` record a
// `sweep` event — num_samples × the product of grid_search sizes — and run the trainable once
// with each search space at its first grid value, first choice or low end.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  dictFrom,
  float,
  int,
  type Kw,
  NONE,
  type NativeV,
  unknown,
  type Value,
} from "../../evaluate/values";

/** A search-space marker: grid values are all run; other spaces are sampled once per sample. */
function space(kind: "grid" | "sample", first: Value, size: number | null): NativeV {
  return nativeObject("tune.space", { kind, first, size }, {});
}

const isSpace = (v: Value): v is NativeV => v.k === "native" && v.type === "tune.space";

/** The configuration the analysed trial uses, and how many grid points the space has. */
function resolveConfig(v: Value | undefined): { config: Value; grid: number } {
  if (!v || v.k !== "dict") return { config: v ?? dictFrom([]), grid: 1 };
  let grid = 1;
  const entries: Array<[Value, Value]> = [];
  for (const [k, x] of v.map.values()) {
    if (isSpace(x)) {
      if (x.data.kind === "grid") grid *= (x.data.size as number | null) ?? 1;
      entries.push([k, x.data.first as Value]);
    } else if (x.k === "dict") {
      const inner = resolveConfig(x);
      grid *= inner.grid;
      entries.push([k, inner.config]);
    } else entries.push([k, x]);
  }
  return { config: dictFrom(entries), grid };
}

function runSweep(
  ip: Interp,
  trainable: Value | undefined,
  spaceV: Value | undefined,
  samples: number | null,
  node: Node | null,
): void {
  const { config, grid } = resolveConfig(spaceV);
  const trials = (samples ?? 1) * grid;
  ip.note(
    "Ray Tune: the trainable is analysed once with each search space at its first grid value, first choice or low end",
    node,
  );
  ip.event({ kind: "sweep", trials, how: `Ray Tune (num_samples ${samples ?? 1} × ${grid} grid points)` }, node);
  if (trainable && trainable.k !== "class") callValue(ip, trainable, [config], new Map(), node);
}

const low = (sampler: (x: number) => Value) =>
  fn("tune.sample", (_ip, [a], kw) => {
    const x = asNumber(kw.get("lower") ?? a);
    return space("sample", x === null ? unknown("low end of a search space") : sampler(x), null);
  });

function tuner(_ip: Interp, [trainable]: Value[], kw: Kw): Value {
  const tc = kw.get("tune_config");
  const samples = tc?.k === "native" ? asInt((tc.data.kw as Kw).get("num_samples")) : null;
  return nativeObject(
    "tune.Tuner",
    {},
    {
      fit(ip, _me, _a, _kw, node) {
        runSweep(ip, trainable, kw.get("param_space"), samples, node);
        return unknown("tuning results", node);
      },
    },
  );
}

export function rayRoot(): Value {
  const tune = nativeModule("ray.tune", {
    run: fn("tune.run", (ip, [trainable], kw, node) => {
      runSweep(ip, trainable, kw.get("config"), asInt(kw.get("num_samples")) ?? 1, node);
      return unknown("tuning results", node);
    }),
    Tuner: fn("tune.Tuner", tuner),
    TuneConfig: fn("tune.TuneConfig", (_ip, _a, kw) => nativeObject("tune.TuneConfig", { kw }, {})),
    grid_search: fn("tune.grid_search", (_ip, [vals]) => {
      const items = vals && (vals.k === "list" || vals.k === "tuple") ? vals.items : null;
      return space("grid", items?.[0] ?? unknown("grid values"), items ? items.length : null);
    }),
    choice: fn("tune.choice", (_ip, [vals]) =>
      space(
        "sample",
        vals && (vals.k === "list" || vals.k === "tuple") ? (vals.items[0] ?? NONE) : unknown("choices"),
        null,
      ),
    ),
    uniform: low(float),
    loguniform: low(float),
    quniform: low(float),
    qloguniform: low(float),
    randint: low(int),
    qrandint: low(int),
    lograndint: low(int),
    report: fn("tune.report", () => NONE),
    with_parameters: fn("tune.with_parameters", (_ip, [f], bound) =>
      fn("tune.with_parameters", (ip, args, kw, node) =>
        f ? callValue(ip, f, args, new Map([...bound, ...kw]), node) : NONE,
      ),
    ),
    with_resources: fn("tune.with_resources", (_ip, [f]) => f ?? NONE),
  });
  return nativeModule("ray", {
    tune,
    init: fn("ray.init", () => NONE),
    shutdown: fn("ray.shutdown", () => NONE),
    train: nativeModule("ray.train", { report: fn("ray.train.report", () => NONE) }),
  });
}
