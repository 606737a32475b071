// The Python standard library pieces training scripts use for configuration: argparse, os
// (environ/getenv defaults), math, dataclasses, typing, collections, functools, copy,
// itertools, sys, datetime.timedelta (stdlibDatetime.ts), omegaconf/hydra configs
// (stdlibOmegaconf.ts), plus pass-through wrappers (tqdm).
// Everything else imports as opaque.
import { kerasRoot, tensorflowRoot } from "../frameworks/keras/runtime/package";
import { timmRoot } from "../frameworks/timm/package";
import { torchRoot, torchvisionRoot } from "../frameworks/torch/package";
import { deepCopy } from "../frameworks/torch/containers";
import { einopsRoot } from "../frameworks/torch/einops";
import { profilerModules } from "../frameworks/torch/profilers";
import { accelerateRoot } from "../frameworks/accelerate/package";
import { deepspeedRoot } from "../frameworks/deepspeed/package";
import { fabricNamespace, lightningRoot } from "../frameworks/lightning/package";
import { optunaRoot } from "../frameworks/sweeps/optuna";
import { sklearnRoot } from "../frameworks/sweeps/paramGrid";
import { gymRoot } from "../frameworks/gym/package";
import { dequeOf, randomModule } from "./stdlibRandom";
import { rayRoot } from "../frameworks/sweeps/rayTune";
import { datasetsRoot } from "../frameworks/transformers/hfDatasets";
import { peftRoot, transformersRoot, trlRoot } from "../frameworks/transformers/package";
import { argparseModule } from "./argparse";
import { jsonModule, tomlModule, yamlModule } from "./configFiles";
import { importlibModule } from "./imports";
import { attrDictModules } from "./stdlibAttrDicts";
import { osPathModule, pathlibModule } from "./stdlibPaths";
import { callValue } from "./calls/call";
import { makeClass, setFields } from "./classes";
import type { Interp } from "./interp";
import { numpyArrayFunctions } from "../frameworks/keras/runtime/numpyArrays";
import { kerasTunerRoot } from "../frameworks/keras/runtime/kerasTuner";
import { kerasHubRoot } from "../frameworks/keras/runtime/kerasHub";
import { tfHubRoot } from "../frameworks/keras/runtime/tfHub";
import { tfdsRoot } from "../frameworks/keras/runtime/tfds";
import { iterate } from "./iteration";
import { fn, nativeModule, opaque } from "./nativeHelpers";
import { datetimeModule } from "./stdlibDatetime";
import { functoolsModule } from "./stdlibFunctools";
import { hydraModule } from "./stdlibHydra";
import { omegaconfModule } from "./stdlibOmegaconf";
import {
  asInt,
  asNumber,
  asString,
  builtin,
  type ClassV,
  dictFrom,
  float,
  int,
  list,
  NONE,
  smallValues,
  str,
  tensor,
  tuple,
  unknown,
  type Value,
} from "./values";

const num = (f: (x: number, y?: number) => number, isInt = false) =>
  fn("math", (_ip, [a, b], _kw, node) => {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x === null) return unknown("math of an unknown value", node);
    const r = f(x, y ?? undefined);
    return isInt ? int(r) : float(r);
  });

function mathModule(): Value {
  return nativeModule("math", {
    pi: float(Math.PI),
    e: float(Math.E),
    inf: float(Number.POSITIVE_INFINITY),
    sqrt: num(Math.sqrt),
    exp: num(Math.exp),
    log: num((x, b) => (b ? Math.log(x) / Math.log(b) : Math.log(x))),
    log2: num(Math.log2),
    log10: num(Math.log10),
    ceil: num(Math.ceil, true),
    floor: num(Math.floor, true),
    isqrt: num((x) => Math.floor(Math.sqrt(x)), true),
    cos: num(Math.cos),
    sin: num(Math.sin),
    pow: num((x, y) => x ** (y ?? 1)),
    gcd: num((x, y) => {
      let a = Math.abs(x);
      let b = Math.abs(y ?? 0);
      while (b) [a, b] = [b, a % b];
      return a;
    }, true),
    prod: fn("math.prod", (ip, [it], _kw, node) => {
      const items = it ? iterate(ip, it, node) : null;
      const ns = items?.map(asNumber);
      if (!ns || ns.some((n) => n === null)) return unknown("math.prod of unknown values", node);
      return int((ns as number[]).reduce((a, b) => a * b, 1));
    }),
  });
}

function osModule(): Value {
  const environ = {
    k: "native" as const,
    type: "os.environ",
    data: {},
    getattr: (_ip: Interp, _me: unknown, name: string) =>
      name === "get"
        ? fn("os.environ.get", (_i, [, d]) => d ?? NONE)
        : name === "setdefault"
          ? fn("os.environ.setdefault", (_i, [, d]) => d ?? NONE)
          : undefined,
    getitem: (_ip: Interp, _me: unknown, key: Value) =>
      unknown(`environment variable ${asString(key) ?? "?"} (set at run time)`),
  };
  const path = osPathModule();
  return nativeModule("os", {
    environ,
    path,
    getenv: fn("os.getenv", (_ip, [, d]) => d ?? NONE),
    makedirs: fn("os.makedirs", () => NONE),
    cpu_count: fn("os.cpu_count", (_ip, _a, _kw, node) => unknown("CPU count of the training machine", node)),
  });
}

function namedtuple(ip: Interp, [name, fields]: Value[], kw: Map<string, Value>): Value {
  let names: string[] = [];
  if (fields?.k === "str") names = fields.v.split(/[\s,]+/).filter(Boolean);
  else if (fields) names = (iterate(ip, fields, null) ?? []).map((v) => asString(v) ?? "_");
  const defaults = kw.get("defaults");
  const dvals = defaults ? (iterate(ip, defaults, null) ?? []) : [];
  // The qualname marks it a tuple: its instances iterate and unpack (evaluate/iteration.ts).
  const cls = makeClass(asString(name) ?? "namedtuple", [], new Map(), { qualname: "collections.namedtuple" });
  cls.annotations = names;
  setFields(cls);
  const offset = names.length - dvals.length;
  cls.fields = names.map((n, i) => ({ name: n, default: i >= offset ? dvals[i - offset] : null, factory: null }));
  return cls;
}

/** numpy as configuration arithmetic (np.prod(shape), np.sqrt(d)); arrays themselves are not modelled. */
function numpyModule(): Value {
  const reduce = (name: string, f: (xs: number[]) => number, isInt: boolean) =>
    fn(`numpy.${name}`, (ip, [it], _kw, node) => {
      const items = it ? (asNumber(it) !== null ? [it] : iterate(ip, it, node)) : null;
      const ns = items?.map(asNumber);
      if (!ns || ns.some((n) => n === null)) return unknown(`numpy.${name} of unknown values`, node);
      const r = f(ns as number[]);
      return isInt && items!.every((x) => x.k !== "num" || x.int) ? int(r) : float(r);
    });
  return nativeModule("numpy", {
    pi: float(Math.PI),
    e: float(Math.E),
    prod: reduce("prod", (xs) => xs.reduce((a, b) => a * b, 1), true),
    sum: reduce("sum", (xs) => xs.reduce((a, b) => a + b, 0), true),
    mean: reduce("mean", (xs) => xs.reduce((a, b) => a + b, 0) / xs.length, false),
    sqrt: num(Math.sqrt),
    log: num(Math.log),
    log2: num(Math.log2),
    exp: num(Math.exp),
    ceil: num(Math.ceil),
    floor: num(Math.floor),
    // Array shaping for data preparation (Keras scripts): frameworks/keras/runtime/numpyArrays.ts.
    ...numpyArrayFunctions(),
    // np.linspace(64, 512, 4).astype(int), np.arange(...): stage widths and rates, values kept.
    linspace: fn("numpy.linspace", (_ip, [start, stop, num], kw) => {
      const [a, b] = [asNumber(kw.get("start") ?? start), asNumber(kw.get("stop") ?? stop)];
      const n = asInt(kw.get("num") ?? num ?? int(50));
      const t = tensor(n === null ? null : [n], "float64");
      if (n !== null && a !== null && b !== null)
        t.values = smallValues(n, (i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
      return t;
    }),
    arange: fn("numpy.arange", (_ip, args) => {
      const n = args.map(asNumber);
      if (n.length === 0 || n.some((x) => x === null)) return tensor(null, "int64");
      const [x, y, z] = n as number[];
      const [start, stop, step] = args.length === 1 ? [0, x, 1] : [x, y, z ?? 1];
      const len = step === 0 ? 0 : Math.max(0, Math.ceil((stop - start) / step));
      const t = tensor([len], args.every((v) => v.k !== "num" || v.int) ? "int64" : "float64");
      t.values = smallValues(len, (i) => start + i * step);
      return t;
    }),
  });
}

/** click: `@click.option("--lr", default=0.1)` gives the decorated function that default. */
function clickModule(): Value {
  const option = fn("click.option", (_ip, args, kw) => {
    const names = args.map(asString).filter((n): n is string => n !== null);
    const plain = names.find((n) => !n.startsWith("-"));
    const long = names.find((n) => n.startsWith("--")) ?? names[0];
    const dest = plain ?? (long ? long.replace(/^-+/, "").replace(/-/g, "_") : null);
    const dflt = kw.get("default") ?? (kw.get("is_flag") ? { k: "bool" as const, v: false } : undefined);
    return builtin("decorator:click.option", (_i, [f]) => {
      if (f?.k === "func" && dest && dflt && !f.defaults.has(dest)) f.defaults.set(dest, dflt);
      return f ?? NONE;
    });
  });
  const passthrough = fn("click.command", () => identityDecorator);
  return nativeModule("click", { option: option, command: passthrough, group: passthrough, argument: passthrough });
}

function launcher(name: string): Value {
  return fn(name, (ip, [target], _kw, node) => (target ? callValue(ip, target, [], new Map(), node) : NONE));
}

const identityDecorator = builtin("decorator:identity", (_ip, [f]) => f ?? NONE);

// types.SimpleNamespace(**hparams): the attribute bag scripts keep hyperparameters in (`hp.hidden`).
const simpleNamespaceClass: ClassV = makeClass("SimpleNamespace", [], new Map(), {
  qualname: "types.SimpleNamespace",
  native: {
    construct: (_ip, [mapping], kw) => {
      const attrs = new Map<string, Value>();
      // Python 3.13 also takes a mapping positionally; its keys come first, keywords override.
      if (mapping?.k === "dict") for (const [k, v] of mapping.map.values()) if (k.k === "str") attrs.set(k.v, v);
      for (const [k, v] of kw) attrs.set(k, v);
      return { k: "instance", cls: simpleNamespaceClass, attrs, mod: null };
    },
  },
});

function makeRoots(ip: Interp): Record<string, () => Value> {
  const namedTupleBase: ClassV = makeClass("NamedTuple", [], new Map(), { qualname: "typing.NamedTuple" });
  const typingAny = {
    k: "native" as const,
    type: "typing",
    data: {},
    getattr: () => undefined,
    getitem: () => typingAnyV,
  };
  const typingAnyV: Value = typingAny;
  return {
    math: mathModule,
    os: osModule,
    argparse: () => argparseModule(),
    types: () => nativeModule("types", { SimpleNamespace: simpleNamespaceClass }),
    torch: () => torchRoot(ip),
    torchvision: () => torchvisionRoot(ip),
    timm: () => timmRoot(ip),
    keras: () => kerasRoot(ip),
    tensorflow: () => tensorflowRoot(ip),
    tensorflow_datasets: () => tfdsRoot(),
    keras_tuner: () => kerasTunerRoot(),
    tensorflow_hub: () => tfHubRoot(),
    keras_hub: () => kerasHubRoot("keras_hub"),
    keras_nlp: () => kerasHubRoot("keras_nlp"),
    keras_cv: () => kerasHubRoot("keras_cv"),
    kerastuner: () => kerasTunerRoot(),
    transformers: () => transformersRoot(ip),
    datasets: () => datasetsRoot(),
    trl: () => trlRoot(ip),
    peft: () => peftRoot(ip),
    accelerate: () => accelerateRoot(),
    deepspeed: () => deepspeedRoot(),
    lightning: () => lightningRoot(ip, "lightning"),
    pytorch_lightning: () => lightningRoot(ip, "pytorch_lightning"),
    lightning_fabric: () => fabricNamespace("lightning_fabric"),
    optuna: () => optunaRoot(),
    ray: () => rayRoot(),
    sklearn: () => sklearnRoot(),
    random: () => randomModule(),
    gym: () => gymRoot(ip, "gym"),
    gymnasium: () => gymRoot(ip, "gymnasium"),
    dataclasses: () =>
      nativeModule("dataclasses", {
        dataclass: builtin("dataclass", (_ip, [c]) => {
          if (c?.k === "class") {
            setFields(c);
            return c;
          }
          return builtin("dataclass", (_i, [c2]) => {
            if (c2?.k === "class") setFields(c2);
            return c2 ?? NONE;
          });
        }),
        field: fn("dataclasses.field", (_ip, _a, kw) => ({
          k: "native",
          type: "dataclass_field",
          data: { default: kw.get("default") ?? null, factory: kw.get("default_factory") ?? null },
          getattr: () => undefined,
        })),
        asdict: fn("dataclasses.asdict", (_ip, [x], _kw, node) =>
          x?.k === "instance" ? dictFrom(Array.from(x.attrs, ([k, v]) => [str(k), v])) : unknown("asdict", node),
        ),
      }),
    typing: () => nativeModule("typing", { NamedTuple: namedTupleBase }, () => typingAnyV),
    collections: () =>
      nativeModule("collections", {
        OrderedDict: ip.builtins.vars.get("dict") ?? NONE,
        defaultdict: fn("defaultdict", () => dictFrom([])),
        namedtuple: fn("namedtuple", (i, a, kw) => namedtuple(i, a, kw)),
        deque: fn("collections.deque", (i, [init], kw, node) => dequeOf(i, init ?? kw.get("iterable"), node)),
      }),
    functools: () => functoolsModule(identityDecorator),
    copy: () =>
      nativeModule("copy", {
        deepcopy: fn("copy.deepcopy", (i, [x]) => (x ? deepCopy(i, x) : NONE)),
        copy: fn("copy.copy", (_i, [x]) => x ?? NONE),
      }),
    itertools: () =>
      nativeModule("itertools", {
        product: fn("itertools.product", (i, args, _kw, node) => {
          const lists = args.map((a) => iterate(i, a, node));
          if (lists.some((l) => !l)) return unknown("product of unknown iterables", node);
          let out: Value[][] = [[]];
          for (const l of lists) out = out.flatMap((p) => l!.map((x) => [...p, x]));
          return list(out.map((t) => tuple(t)));
        }),
        // cycle(loader) never ends: next() still yields the loader's batch, the trip count is unknown.
        cycle: fn("itertools.cycle", (_i, [x], _kw, node) => {
          if (x?.k === "native" && x.loop) return { ...x, loop: { ...x.loop, tripCount: null, over: "unknown" } };
          return unknown("itertools.cycle (an endless iterator)", node);
        }),
        chain: fn("itertools.chain", (i, args, _kw, node) => {
          const lists = args.map((a) => iterate(i, a, node));
          return lists.some((l) => !l) ? unknown("chain of unknown iterables", node) : list(lists.flatMap((l) => l!));
        }),
      }),
    ...profilerModules(),
    // CLI launchers run the function they are given (with its defaults as the configuration).
    fire: () => nativeModule("fire", { Fire: launcher("fire.Fire") }),
    click: () => clickModule(),
    typer: () => nativeModule("typer", { run: launcher("typer.run") }),
    numpy: () => numpyModule(),
    datetime: () => datetimeModule(),
    omegaconf: () => omegaconfModule(),
    yaml: () => yamlModule(),
    importlib: () => importlibModule(),
    ...attrDictModules(),
    pathlib: () => pathlibModule(),
    json: () => jsonModule(),
    tomllib: () => tomlModule("tomllib"),
    tomli: () => tomlModule("tomli"),
    toml: () => tomlModule("toml"),
    hydra: () => hydraModule(),
    einops: () => einopsRoot(ip),
    string: () =>
      nativeModule("string", {
        ascii_letters: str("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        ascii_lowercase: str("abcdefghijklmnopqrstuvwxyz"),
        ascii_uppercase: str("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        digits: str("0123456789"),
        punctuation: str("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        printable: str(
          "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c",
        ),
      }),
    sys: () => nativeModule("sys", { argv: list([str("script.py")]), exit: fn("sys.exit", () => NONE) }),
    tqdm: () => {
      const passthrough = fn("tqdm", (_ip, [x]) => x ?? NONE);
      return nativeModule("tqdm", { tqdm: passthrough, trange: ip.builtins.vars.get("range") ?? NONE }, () =>
        nativeModule("tqdm.auto", { tqdm: passthrough }),
      );
    },
  };
}

/** The names makeRoots answers (its keys are fixed), learnt from its first table. */
let rootNames: Set<string> | null = null;
const rootTables = new WeakMap<Interp, Record<string, () => Value>>();

/** The native package for a top-level import name, or null when it is not modelled natively. */
export function nativeRoot(ip: Interp, name: string): Value | null {
  const cached = ip.nativeModules.get(name);
  if (cached) return cached;
  // The table (~30 closures and a class) is built once per analysis, and only for a name it may
  // answer: it was rebuilt for every import of a package not loaded yet, and of a workspace module.
  let make: (() => Value) | undefined;
  if (!rootNames || rootNames.has(name) || name in Object.prototype) {
    let roots = rootTables.get(ip);
    if (!roots) rootTables.set(ip, (roots = makeRoots(ip)));
    rootNames ??= new Set(Object.keys(roots));
    make = roots[name];
  }
  const v = make ? make() : KNOWN_OPAQUE.has(name) ? opaque(name) : null;
  if (v) ip.nativeModules.set(name, v);
  return v;
}

/** Libraries that are never workspace files: imported as opaque without a file lookup. */
const KNOWN_OPAQUE = new Set([
  "numpy",
  "pandas",
  "random",
  "time",
  "logging",
  "warnings",
  "matplotlib",
  "wandb",
  "tensorboard",
  "PIL",
  "sklearn",
  "scipy",
  "pickle",
  "shutil",
  "glob",
  "re",
  "subprocess",
  "socket",
  "platform",
  "abc",
  "enum",
  "__future__",
]);
