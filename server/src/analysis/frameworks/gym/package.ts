// gym / gymnasium as the interpreter sees them: `make(id)` builds an environment whose spaces come
// from the catalog (envCatalog.ts), vector environments batch them, and reset()/step() hand back
// observations of the space's shape (rewards and flags are run-time values). An environment the
// catalog does not know, or a wrapper that may reshape observations, has unknown spaces, so the
// networks sized from them stay "≥ N params" instead of taking a guessed size.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { iterate } from "../../evaluate/iteration";
import { fn, nativeModule, nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asString,
  dictFrom,
  int,
  type Kw,
  NONE,
  type NativeV,
  tensor,
  toText,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { findEnv, type SpaceSpec } from "./envCatalog";

interface EnvFacts {
  id: string;
  obs: SpaceSpec | null;
  action: SpaceSpec | null;
  /** Sub-environments of a vector environment; null for a single one. */
  numEnvs: number | null;
  why: string | null;
  vector: boolean;
}

function spaceValue(ip: Interp, s: SpaceSpec | null, batch: number | null, vector: boolean, why: string): Value {
  if (!s) return unknown(why);
  // A vector env batches Box(shape) into Box(n, *shape) and Discrete into MultiDiscrete([n]), which has no `.n`.
  const shape = s.kind === "box" ? s.shape : [];
  const full = vector ? (batch === null ? null : [batch, ...shape]) : shape;
  void ip;
  return nativeObject(
    s.kind === "box" ? "gym.spaces.Box" : vector ? "gym.spaces.MultiDiscrete" : "gym.spaces.Discrete",
    {},
    {
      sample: () =>
        full ? tensor(full, s.kind === "box" ? "float32" : "int64") : unknown("a space sample at run time"),
    },
    (_self, name) => {
      if (name === "shape") return full ? tuple(full.map(int)) : unknown(why);
      if (name === "n" && s.kind === "discrete" && !vector) return int(s.n);
      if ((name === "low" || name === "high") && s.kind === "box") return full ? tensor(full) : unknown(why);
      return undefined;
    },
  );
}

/** An observation (or a batch of them) as reset()/step() return it. */
function observation(f: EnvFacts): Value {
  if (!f.obs) return unknown(f.why ?? "observation at run time");
  if (f.obs.kind === "discrete")
    return f.vector
      ? tensor(f.numEnvs === null ? null : [f.numEnvs], "int64")
      : unknown("a discrete observation at run time");
  if (!f.vector) return tensor([...f.obs.shape]);
  return tensor(f.numEnvs === null ? null : [f.numEnvs, ...f.obs.shape]);
}

function envObject(ip: Interp, f: EnvFacts): NativeV {
  const why = f.why ?? `the spaces of ${f.id}`;
  const perEnv = (dtype: string) =>
    f.vector ? tensor(f.numEnvs === null ? null : [f.numEnvs], dtype) : unknown("a step result at run time");
  const env: NativeV = nativeObject(
    "gym.Env",
    { facts: f },
    {
      reset: () => tuple([observation(f), dictFrom([])]),
      // gymnasium / gym ≥ 0.26: (obs, reward, terminated, truncated, info).
      step: () => tuple([observation(f), perEnv("float32"), perEnv("bool"), perEnv("bool"), dictFrom([])]),
      close: () => NONE,
      seed: () => NONE,
      render: () => NONE,
    },
    (self, name) => {
      if (name === "observation_space") return spaceValue(ip, f.obs, f.numEnvs, f.vector, why);
      if (name === "action_space") return spaceValue(ip, f.action, f.numEnvs, f.vector, why);
      if (name === "single_observation_space") return f.vector ? spaceValue(ip, f.obs, null, false, why) : undefined;
      if (name === "single_action_space") return f.vector ? spaceValue(ip, f.action, null, false, why) : undefined;
      if (name === "num_envs") return f.numEnvs === null ? unknown("number of environments") : int(f.numEnvs);
      if (name === "unwrapped" || name === "env") return self;
      return undefined;
    },
  );
  return env;
}

function factsOf(v: Value | undefined): EnvFacts | null {
  return v?.k === "native" && v.type === "gym.Env" ? (v.data.facts as EnvFacts) : null;
}

function make(ip: Interp, args: Value[], kw: Kw, node: Node | null): EnvFacts {
  const id = asString(args[0] ?? kw.get("id"));
  if (id === null)
    return {
      id: "env",
      obs: null,
      action: null,
      numEnvs: null,
      why: "the environment id cannot be read",
      vector: false,
    };
  const literal = new Map<string, string | null>();
  for (const [k, v] of kw) if (k !== "id" && k !== "num_envs" && k !== "vectorization_mode") literal.set(k, toText(v));
  const hit = findEnv(id, literal);
  if ("why" in hit) {
    ip.note(hit.why, node, "its network's input and output sizes stay unknown");
    return { id, obs: null, action: null, numEnvs: null, why: hit.why, vector: false };
  }
  return { id, obs: hit.obs, action: hit.action, numEnvs: null, why: null, vector: false };
}

function vectorOf(f: EnvFacts, n: number | null): EnvFacts {
  return { ...f, vector: true, numEnvs: n };
}

/** SyncVectorEnv([thunk, ...]): the sub-environments are the first thunk's, n = the list's length. */
function vectorFromThunks(ip: Interp, fns: Value | undefined, node: Node | null): Value {
  const items = fns ? iterate(ip, fns, node) : null;
  const first = items?.[0] ? factsOf(callValue(ip, items[0], [], new Map(), node)) : null;
  const base = first ?? {
    id: "env",
    obs: null,
    action: null,
    numEnvs: null,
    why: "the vector env's sub-environments cannot be read",
    vector: false,
  };
  return envObject(ip, vectorOf(base, items ? items.length : null));
}

// Wrappers that leave the observation and action spaces as they are (gymnasium.wrappers).
const SHAPE_KEEPING = new Set([
  "RecordEpisodeStatistics",
  "RecordVideo",
  "TimeLimit",
  "OrderEnforcing",
  "PassiveEnvChecker",
  "ClipAction",
  "NormalizeObservation",
  "NormalizeReward",
  "TransformReward",
  "Monitor",
  "AutoResetWrapper",
]);

function wrappers(ip: Interp, root: string): Value {
  return nativeModule(`${root}.wrappers`, {}, (name) =>
    fn(`${root}.wrappers.${name}`, (_ip, [env], _kw, node) => {
      const f = factsOf(env);
      if (!f) return unknown(`${name} of an unknown environment`, node);
      if (SHAPE_KEEPING.has(name)) return env ?? NONE;
      const why = `${root}.wrappers.${name} may reshape the observations`;
      return envObject(ip, { ...f, obs: null, action: f.action, why });
    }),
  );
}

export function gymRoot(ip: Interp, root: "gym" | "gymnasium"): Value {
  const makeEnv = fn(`${root}.make`, (i, args, kw, node) => envObject(i, make(i, args, kw, node)));
  const makeVec = fn(`${root}.make_vec`, (i, args, kw, node) =>
    envObject(i, vectorOf(make(i, args, kw, node), asInt(kw.get("num_envs") ?? args[1]) ?? 1)),
  );
  const fromThunks = fn(`${root}.vector.SyncVectorEnv`, (i, [fns], kw, node) =>
    vectorFromThunks(i, fns ?? kw.get("env_fns"), node),
  );
  return nativeModule(root, {
    make: makeEnv,
    make_vec: makeVec,
    vector: nativeModule(`${root}.vector`, { make: makeVec, SyncVectorEnv: fromThunks, AsyncVectorEnv: fromThunks }),
    wrappers: wrappers(ip, root),
  });
}
