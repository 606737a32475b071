// keras_tuner: `tuner.search(x, y, epochs=…)` fits one model per trial. The hypermodel is built once
// with each hyperparameter at keras-tuner's default (min_value, the first choice), each saying so,
// and the search is one fit event repeated max_trials × executions_per_trial times (Hyperband: the
// total epochs of its bracket schedule, hyperband.ts); the best
// hyperparameters are unknown until the search has run, so models built from them stay unknown.

import type { Node } from "web-tree-sitter";
import { getAttr } from "../../../evaluate/attributes";
import { callValue } from "../../../evaluate/calls/call";
import { makeClass } from "../../../evaluate/classes";
import type { Interp } from "../../../evaluate/interp";
import { fn, nativeModule, nativeObject, opaque } from "../../../evaluate/nativeHelpers";
import { hyperbandSchedule } from "./hyperband";
import {
  asInt,
  asNumber,
  asString,
  FALSE,
  float,
  int,
  type Kw,
  list,
  NONE,
  type NativeV,
  toText,
  unknown,
  type Value,
} from "../../../evaluate/values";

/** Set while a search runs its trial's fit: the kerasFit event takes the trial count from it. */
const SEARCHING = new WeakMap<Interp, TunerRun>();
export const tunerSearch = (ip: Interp) => SEARCHING.get(ip);

/**
 * A HyperParameters object. `best`: the search's best values, unknown before it has run. Otherwise
 * keras-tuner's defaults: Int/Float → min_value, Choice → the first value, Boolean → False,
 * Fixed → its value (keras_tuner HyperParameters docs: "default … If unspecified, min_value").
 */
function hyperParameters(best: boolean): NativeV {
  const pick = (kind: string) => (ip: Interp, _me: NativeV, args: Value[], kw: Kw, node: Node | null) => {
    const name = asString(kw.get("name") ?? args[0]) ?? "?";
    if (best) return unknown(`the best ${name} the keras-tuner search finds`, node);
    let v: Value | undefined = kw.get("default");
    if (!v || v.k === "none") {
      if (kind === "Choice") {
        const values = kw.get("values") ?? args[1];
        v = values && (values.k === "list" || values.k === "tuple") ? values.items[0] : undefined;
      } else if (kind === "Boolean") v = FALSE;
      else if (kind === "Fixed") v = kw.get("value") ?? args[1];
      else {
        const low = asNumber(kw.get("min_value") ?? args[1]);
        v = low === null ? undefined : kind === "Int" ? int(low) : float(low);
      }
    }
    const chosen = v ?? unknown(`the default of ${name}`, node);
    if (kind !== "Fixed")
      ip.note(
        `keras-tuner hp.${kind}("${name}", ...): the hypermodel is analysed once with ${toText(chosen) ?? "an unknown value"} (keras-tuner's default)`,
        node,
        "other trials may build larger or smaller models; the search multiplies this one",
      );
    return chosen;
  };
  return nativeObject(
    "keras_tuner.HyperParameters",
    {},
    { Int: pick("Int"), Float: pick("Float"), Choice: pick("Choice"), Boolean: pick("Boolean"), Fixed: pick("Fixed") },
  );
}

/** Calls the hypermodel: a build_model(hp) function or a HyperModel instance's build(hp). */
function build(ip: Interp, hypermodel: Value | undefined, hp: NativeV, node: Node | null): Value {
  if (!hypermodel) return unknown("keras-tuner hypermodel", node);
  const target = hypermodel.k === "instance" ? getAttr(ip, hypermodel, "build", node) : hypermodel;
  return callValue(ip, target, [hp], new Map(), node);
}

/**
 * A tuner class. Trials: max_trials (keras-tuner's default 10 for RandomSearch and
 * BayesianOptimization; GridSearch's None means every combination) × executions_per_trial (1);
 * Hyperband sets each trial's epochs itself (`Hyperband.run_trial` overrides fit's epochs), so its
 * search is the schedule's total epochs, once per execution (hyperband.ts).
 */
function tunerClass(name: string): Value {
  return fn(`keras_tuner.${name}`, (_ip, args, kw) => {
    const hypermodel = kw.get("hypermodel") ?? args[0];
    const runs = kw.has("executions_per_trial") ? asInt(kw.get("executions_per_trial")) : 1;
    if (name === "Hyperband") return tunerObject(name, hypermodel, hyperband(args, kw, runs));
    const maxTrials = kw.has("max_trials") ? asInt(kw.get("max_trials")) : name === "GridSearch" ? null : 10;
    const trials = maxTrials !== null && runs !== null ? maxTrials * runs : null;
    const how = `keras_tuner.${name}(max_trials=${maxTrials ?? "?"}) × executions_per_trial ${runs ?? "?"}`;
    return tunerObject(name, hypermodel, { trials, how });
  });
}

/**
 * Hyperband(hypermodel, objective, max_epochs, factor=3, hyperband_iterations=1): every argument
 * must be known, or the search is priced as one fit with the trial count unknown. max_epochs has no
 * default here: older keras-tuner requires it and newer ones default it, so a missing one is not guessed.
 */
function hyperband(args: Value[], kw: Kw, runs: number | null): TunerRun {
  const read = (key: string, pos: number, dflt: number | null) => {
    const v = kw.get(key) ?? args[pos];
    return v === undefined ? dflt : asInt(v);
  };
  const maxEpochs = read("max_epochs", 2, null);
  const factor = read("factor", 3, 3);
  const iterations = read("hyperband_iterations", 4, 1);
  const s =
    maxEpochs !== null && factor !== null && iterations !== null && hyperbandSchedule(maxEpochs, factor, iterations);
  const args$ = `max_epochs=${maxEpochs ?? "?"}, factor=${factor ?? "?"}, hyperband_iterations=${iterations ?? "?"}`;
  if (!s || runs === null)
    return {
      trials: null,
      how: `keras_tuner.Hyperband(${args$}): its brackets decide the trials and their epochs`,
      hint: "pass max_epochs, factor and hyperband_iterations as literals or constants",
    };
  return {
    trials: runs,
    epochs: s.epochs,
    how: `keras_tuner.Hyperband(${args$}): ${s.trials} trials in ${s.brackets} brackets train ${s.epochs} epochs in all (keras-tuner's HyperbandOracle schedule; fit's epochs= is overridden) × executions_per_trial ${runs}`,
  };
}

/** The search a tuner runs: trials × epochs, or (Hyperband) the total epochs its schedule sets. */
export interface TunerRun {
  trials: number | null;
  how: string;
  epochs?: number;
  hint?: string;
}

function tunerObject(name: string, hypermodel: Value | undefined, run: TunerRun): NativeV {
  const tuner: NativeV = nativeObject(
    `keras_tuner.${name}`,
    {},
    {
      search: (ip, _me, sArgs, sKw, node) => {
        const model = build(ip, hypermodel, hyperParameters(false), node);
        const fitFn = model.k === "instance" ? getAttr(ip, model, "fit", node) : null;
        if (!fitFn) return NONE;
        SEARCHING.set(ip, run);
        try {
          callValue(ip, fitFn, sArgs, sKw, node);
        } finally {
          SEARCHING.delete(ip);
        }
        return NONE;
      },
      get_best_hyperparameters: () => list([hyperParameters(true)]),
      get_best_models: (_ip, _me, _a, _k, node) => unknown("the best models of the keras-tuner search", node),
      search_space_summary: () => NONE,
      results_summary: () => NONE,
    },
    (_me, attr) =>
      attr === "hypermodel"
        ? nativeObject(
            "keras_tuner.HyperModel",
            {},
            { build: (ip, _m, [hp], _k, node) => build(ip, hypermodel, hp as NativeV, node) },
          )
        : undefined,
  );
  return tuner;
}

/** The keras_tuner package (also imported by its old name `kerastuner`). */
export function kerasTunerRoot(): Value {
  const entries: Record<string, Value> = {
    HyperParameters: fn("keras_tuner.HyperParameters", () => hyperParameters(false)),
  };
  for (const t of ["RandomSearch", "BayesianOptimization", "GridSearch", "Hyperband"]) entries[t] = tunerClass(t);
  // `class MyHyperModel(kt.HyperModel): def build(self, hp)`: a plain base; build() is looked up on the instance.
  entries.HyperModel = makeClass("HyperModel", [], new Map());
  entries.tuners = nativeModule("keras_tuner.tuners", entries);
  return nativeModule("keras_tuner", entries, (attr) => opaque(`keras_tuner.${attr}`));
}
