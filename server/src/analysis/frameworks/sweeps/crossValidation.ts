// scikit-learn's K-fold splitters: `for fold, (tr, va) in enumerate(KFold(5).split(X)):` is a loop
// of n_splits (× n_repeats) folds, so run detection multiplies the training inside by it, and each
// fold's index arrays have the fold's sizes, so `Subset(ds, tr)` holds (K-1)/K of the samples.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, int, type Kw, list, tensor, tuple, unknown, type Value } from "../../evaluate/values";

// Defaults from the scikit-learn API reference (sklearn.model_selection): n_splits=5 for KFold,
// StratifiedKFold, GroupKFold and StratifiedGroupKFold ("Changed in version 0.22: n_splits default
// value changed from 3 to 5"); RepeatedKFold / RepeatedStratifiedKFold add n_repeats=10.
const N_SPLITS = 5;
const N_REPEATS = 10;

/** Length of the `X` handed to split(): len(X) as the interpreter knows it; null when unknown. */
function lengthOf(ip: Interp, x: Value | undefined, node: Node | null): number | null {
  const len = ip.builtins.vars.get("len");
  if (!x || !len) return null;
  const n = asInt(callValue(ip, len, [x], new Map(), node));
  return n !== null && n > 0 ? n : null;
}

/**
 * The (train, validation) index arrays of every fold. sklearn's KFold gives the first n % K folds
 * n // K + 1 validation samples and the rest n // K; each fold gets its own sizes here, so the
 * one the interpreter traces (the first) is sized as sklearn sizes it.
 */
function folds(ip: Interp, k: number, repeats: number, args: Value[], kw: Kw, node: Node | null): Value {
  const n = lengthOf(ip, kw.get("X") ?? args[0], node);
  const out: Value[] = [];
  for (let r = 0; r < repeats; r++)
    for (let i = 0; i < k; i++) {
      const val = n === null ? null : Math.floor(n / k) + (i < n % k ? 1 : 0);
      out.push(
        tuple([tensor(val === null ? null : [n! - val], "int64"), tensor(val === null ? null : [val], "int64")]),
      );
    }
  return list(out);
}

function splitter(name: string, repeated: boolean): Value {
  return fn(`sklearn.model_selection.${name}`, (_ip, args, kw, node) => {
    // Repeated splitters take keywords only; the others take n_splits first.
    const k = asInt(kw.get("n_splits") ?? (repeated ? undefined : args[0]) ?? int(N_SPLITS));
    const reps = repeated ? asInt(kw.get("n_repeats") ?? int(N_REPEATS)) : 1;
    if (k === null || k < 2 || reps === null || reps < 1) return unknown(`${name} with an unknown n_splits`, node);
    return nativeObject(
      `sklearn.model_selection.${name}`,
      { k, reps },
      {
        split: (ip, _self, a, kwa, n) => folds(ip, k, reps, a, kwa, n),
        get_n_splits: () => int(k * reps),
      },
      (_self, attr) => (attr === "n_splits" ? int(k) : undefined),
    );
  });
}

/** The K-fold splitters, merged into sklearn.model_selection by paramGrid.ts's sklearnRoot. */
export function crossValidationSplitters(): Record<string, Value> {
  return {
    KFold: splitter("KFold", false),
    StratifiedKFold: splitter("StratifiedKFold", false),
    GroupKFold: splitter("GroupKFold", false),
    StratifiedGroupKFold: splitter("StratifiedGroupKFold", false),
    RepeatedKFold: splitter("RepeatedKFold", true),
    RepeatedStratifiedKFold: splitter("RepeatedStratifiedKFold", true),
  };
}
