// argparse: the defaults a script declares are its configuration. `parse_args()` returns a
// namespace holding each option's default (converted by `type=`); options with no default are
// None, and required ones are Unknown ("given on the command line").
import type { Node } from "web-tree-sitter";
import { callValue } from "./calls/call";
import { makeClass } from "./classes";
import type { Interp } from "./interp";
import { fn, nativeModule, nativeObject } from "./nativeHelpers";
import {
  asString,
  bool,
  type InstanceV,
  type Kw,
  list,
  NONE,
  type NativeV,
  truthy,
  tuple,
  unknown,
  type Value,
} from "./values";

interface Option {
  dest: string;
  value: Value;
}

const namespaceClass = makeClass("Namespace", [], new Map(), { qualname: "argparse.Namespace" });

function optionValue(ip: Interp, names: string[], kw: Kw, node: Node | null): Option | null {
  const long = names.find((n) => n.startsWith("--")) ?? names.find((n) => n.startsWith("-"));
  const positional = names.find((n) => !n.startsWith("-"));
  const destKw = asString(kw.get("dest"));
  const dest = destKw ?? (long ? long.replace(/^-+/, "").replace(/-/g, "_") : positional);
  if (!dest) return null;
  const action = asString(kw.get("action"));
  const dflt = kw.get("default");
  if (action === "store_true") return { dest, value: dflt ?? bool(false) };
  if (action === "store_false") return { dest, value: dflt ?? bool(true) };
  if (action === "count") return { dest, value: dflt ?? { k: "num", v: 0, int: true } };
  if (!long || (kw.has("required") && truthy(kw.get("required")!) === true)) {
    if (dflt === undefined)
      return { dest, value: unknown(`command-line argument ${long ?? dest} has no default (given at run time)`, node) };
  }
  if (dflt === undefined) return { dest, value: NONE };
  const type = kw.get("type");
  // argparse applies `type` to string defaults only.
  if (type && dflt.k === "str") return { dest, value: callValue(ip, type, [dflt], new Map(), node) };
  return { dest, value: dflt };
}

function makeParser(): NativeV {
  const options: Option[] = [];
  const setDefaults = new Map<string, Value>();
  const parse = (ip: Interp): InstanceV => {
    const ns: InstanceV = { k: "instance", cls: namespaceClass, attrs: new Map(), mod: null };
    for (const o of options) ns.attrs.set(o.dest, o.value);
    for (const [k, v] of setDefaults) ns.attrs.set(k, v);
    void ip;
    return ns;
  };
  const parser: NativeV = nativeObject(
    "ArgumentParser",
    {},
    {
      add_argument(ip, _self, args, kw, node) {
        const names = args.map(asString).filter((n): n is string => n !== null);
        const o = optionValue(ip, names, kw, node);
        if (o) {
          const i = options.findIndex((x) => x.dest === o.dest);
          if (i >= 0) options[i] = o;
          else options.push(o);
        }
        return NONE;
      },
      add_argument_group: () => parser,
      add_mutually_exclusive_group: () => parser,
      set_defaults(_ip, _self, _args, kw) {
        for (const [k, v] of kw) setDefaults.set(k, v);
        return NONE;
      },
      parse_args: (ip) => parse(ip),
      parse_known_args: (ip) => tuple([parse(ip), list([])]),
      print_help: () => NONE,
      error: () => NONE,
    },
  );
  return parser;
}

export function argparseModule(): Value {
  return nativeModule("argparse", {
    ArgumentParser: fn("argparse.ArgumentParser", () => makeParser()),
    Namespace: fn("argparse.Namespace", (_ip, _a, kw) => {
      const ns: InstanceV = { k: "instance", cls: namespaceClass, attrs: new Map(kw), mod: null };
      return ns;
    }),
    ArgumentDefaultsHelpFormatter: NONE,
    RawTextHelpFormatter: NONE,
  });
}
