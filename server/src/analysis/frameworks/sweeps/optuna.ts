// Optuna: `study.optimize(objective, n_trials=N)` records a `sweep` event (every run inside is
// repeated N times) and runs the objective once with a trial whose suggest_* calls return the low
// end of each range (the first choice of a categorical) — a concrete configuration the model and
// loop can be sized from; each suggestion says which value it stood for.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asNumber,
  asString,
  dictFrom,
  FALSE,
  float,
  int,
  type Kw,
  NONE,
  type NativeV,
  str,
  toText,
  unknown,
  type Value,
} from "../../evaluate/values";

/** The configuration the single analysed trial uses, by parameter name. */
type Chosen = Map<string, Value>;

function suggest(ip: Interp, chosen: Chosen, kind: string, args: Value[], kw: Kw, node: Node | null): Value {
  const name = asString(kw.get("name") ?? args[0]) ?? "?";
  let v: Value;
  let what: string;
  if (kind === "categorical") {
    const choices = kw.get("choices") ?? args[1];
    const first = choices && (choices.k === "list" || choices.k === "tuple") ? choices.items[0] : undefined;
    v = first ?? unknown(`choices of ${name}`, node);
    what = "the first choice";
  } else {
    const low = asNumber(kw.get("low") ?? args[1]);
    v = low === null ? unknown(`low end of ${name}`, node) : kind === "int" ? int(low) : float(low);
    what = "the low end of its range";
  }
  chosen.set(name, v);
  ip.note(
    `optuna trial.suggest_${kind}("${name}", ...): the objective is analysed once with ${toText(v) ?? "an unknown value"} (${what})`,
    node,
    "other trials may build larger or smaller models; the sweep multiplies this one",
  );
  return v;
}

/** The `trial` argument of the objective. */
export function makeTrial(chosen: Chosen): NativeV {
  const s = (kind: string) => (ip: Interp, _me: NativeV, args: Value[], kw: Kw, node: Node | null) =>
    suggest(ip, chosen, kind, args, kw, node);
  return nativeObject(
    "optuna.Trial",
    {},
    {
      suggest_float: s("float"),
      suggest_int: s("int"),
      suggest_categorical: s("categorical"),
      suggest_uniform: s("float"),
      suggest_loguniform: s("float"),
      suggest_discrete_uniform: s("float"),
      report: () => NONE,
      should_prune: () => FALSE,
      set_user_attr: () => NONE,
    },
    (_me, name) =>
      name === "number" ? int(0) : name === "params" ? dictFrom([...chosen].map(([k, v]) => [str(k), v])) : undefined,
  );
}

function optimize(ip: Interp, args: Value[], kw: Kw, node: Node | null): Value {
  const objective = kw.get("func") ?? args[0];
  const nTrials = asInt(kw.get("n_trials") ?? args[1]);
  if (nTrials === null)
    ip.note(
      kw.get("timeout")
        ? "study.optimize runs until its timeout: the number of trials is unknown"
        : "study.optimize without n_trials: the number of trials is unknown",
      node,
      "pass n_trials= so the sweep can be priced",
    );
  ip.event({ kind: "sweep", trials: nTrials, how: `optuna study.optimize(n_trials=${nTrials ?? "?"})` }, node);
  if (objective) callValue(ip, objective, [makeTrial(new Map())], new Map(), node);
  return NONE;
}

function makeStudy(): NativeV {
  return nativeObject(
    "optuna.Study",
    {},
    {
      optimize: (ip, _me, args, kw, node) => optimize(ip, args, kw, node),
      enqueue_trial: () => NONE,
      trials_dataframe: (_ip, _me, _a, _kw, node) => unknown("trial results", node),
    },
    (_me, name) =>
      name.startsWith("best_") || name === "trials" ? unknown(`study.${name} (known after the sweep)`) : undefined,
  );
}

export function optunaRoot(): Value {
  const trialClass = makeClass("Trial", [], new Map(), { qualname: "optuna.trial.Trial" });
  const pruned = makeClass("TrialPruned", [], new Map(), { qualname: "optuna.TrialPruned" });
  return nativeModule("optuna", {
    create_study: fn("optuna.create_study", () => makeStudy()),
    load_study: fn("optuna.load_study", () => makeStudy()),
    Trial: trialClass,
    TrialPruned: pruned,
    trial: nativeModule("optuna.trial", { Trial: trialClass }),
    exceptions: nativeModule("optuna.exceptions", { TrialPruned: pruned }),
  });
}
