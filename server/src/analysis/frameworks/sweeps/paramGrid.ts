// scikit-learn's configuration iterators: `for params in ParameterGrid(grid):` is a loop over a
// known list of configs (run detection multiplies the run inside by its length), and
// ParameterSampler(dists, n_iter) a loop of n_iter configs analysed with each first value; the
// K-fold splitters are in crossValidation.ts. Everything else in sklearn stays opaque.
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { fn, nativeModule } from "../../evaluate/nativeHelpers";
import { crossValidationSplitters } from "./crossValidation";
import { asInt, dictFrom, hashKey, list, unknown, type Value } from "../../evaluate/values";

/** Grids of one ParameterGrid argument: a dict, or a list of dicts (concatenated). */
function grids(v: Value | undefined): Array<Array<[Value, Value]>> | null {
  if (v?.k === "dict") return [[...v.map.values()]];
  if (v?.k === "list" || v?.k === "tuple") {
    const out: Array<Array<[Value, Value]>> = [];
    for (const g of v.items) {
      if (g.k !== "dict") return null;
      out.push([...g.map.values()]);
    }
    return out;
  }
  return null;
}

/** sklearn ParameterGrid: keys sorted, Cartesian product of the value lists, in that order. */
function parameterGrid(ip: Interp, [g]: Value[]): Value {
  const gs = grids(g);
  if (!gs) return unknown("ParameterGrid of an unknown grid");
  const out: Value[] = [];
  for (const entries of gs) {
    const sorted = [...entries].sort((a, b) => (hashKey(a[0]) ?? "").localeCompare(hashKey(b[0]) ?? ""));
    let combos: Array<Array<[Value, Value]>> = [[]];
    for (const [k, vals] of sorted) {
      const items = iterate(ip, vals, null);
      if (!items) return unknown(`ParameterGrid values of ${hashKey(k)?.slice(1) ?? "?"} are unknown`);
      combos = combos.flatMap((c) => items.map((x) => [...c, [k, x] as [Value, Value]]));
      if (combos.length > 10_000) return unknown("ParameterGrid larger than 10,000 configs");
    }
    for (const c of combos) out.push(dictFrom(c));
  }
  return list(out);
}

/** ParameterSampler(dists, n_iter): n_iter configs (at most the grid size when every value is a list). */
function parameterSampler(
  ip: Interp,
  [d, n]: Value[],
  kw: Map<string, Value>,
  node: import("web-tree-sitter").Node | null,
): Value {
  const nIter = asInt(kw.get("n_iter") ?? n);
  const gs = grids(kw.get("param_distributions") ?? d);
  if (nIter === null || !gs) return unknown("ParameterSampler with unknown n_iter or distributions", node);
  const entries = gs[0];
  let gridSize: number | null = 1;
  const first: Array<[Value, Value]> = [];
  for (const [k, vals] of entries) {
    const items = iterate(ip, vals, null);
    if (items && gridSize !== null) gridSize *= items.length;
    else gridSize = null;
    first.push([k, items?.[0] ?? unknown("a sampled value", node)]);
  }
  ip.note("ParameterSampler: each sampled config is analysed with the first value of every distribution", node);
  const count = gridSize !== null ? Math.min(nIter, gridSize) : nIter;
  return list(Array.from({ length: count }, () => dictFrom(first)));
}

export function sklearnRoot(): Value {
  return nativeModule("sklearn", {
    model_selection: nativeModule("sklearn.model_selection", {
      ParameterGrid: fn("sklearn.model_selection.ParameterGrid", (ip, args) => parameterGrid(ip, args)),
      ParameterSampler: fn("sklearn.model_selection.ParameterSampler", (ip, args, kw, node) =>
        parameterSampler(ip, args, kw, node),
      ),
      ...crossValidationSplitters(),
    }),
  });
}
