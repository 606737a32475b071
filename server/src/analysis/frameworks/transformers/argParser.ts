// transformers.HfArgumentParser: fills the script's dataclasses (its own and TrainingArguments)
// from the command line, a JSON/YAML file or a dict. A static analysis has no command line, so
// each dataclass is built with its defaults — the configuration as written — plus what a dict
// literal passed to parse_dict, or a workspace file passed to parse_json_file/parse_yaml_file,
// states; a note says the launch command may change the schedule.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { loadConfigAt } from "../../evaluate/configFiles";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import { type Kw, tuple, type Value } from "../../evaluate/values";

const CLI_HINT =
  "the run is priced at the dataclass defaults; add `# footprint: epochs N` (and `# footprint: samples N`) for the values you launch with";

/** Keyword arguments from a dict literal, kept to the fields a script dataclass declares. */
function kwFor(cls: Value, dict: Value | undefined): Kw {
  const kw: Kw = new Map();
  if (dict?.k !== "dict") return kw;
  const fields = cls.k === "class" && cls.fields ? new Set(cls.fields.map((f) => f.name)) : null;
  for (const [k, v] of dict.map.values()) if (k.k === "str" && (!fields || fields.has(k.v))) kw.set(k.v, v);
  return kw;
}

export function hfArgumentParserClass(): Value {
  return fn("transformers.HfArgumentParser", (_ip, [types]) => {
    const classes = types?.k === "tuple" || types?.k === "list" ? types.items : types ? [types] : [];
    const build = (ip: Interp, node: Node | null, dict?: Value) =>
      tuple(classes.map((c) => callValue(ip, c, [], kwFor(c, dict), node)));
    const fromOutside = (how: string) => (ip: Interp, _me: unknown, _a: Value[], _kw: Kw, node: Node | null) => {
      ip.note(`HfArgumentParser.${how}: arguments given at launch are not in the script`, node, CLI_HINT);
      return build(ip, node);
    };
    // A JSON/YAML file the workspace holds is read as data, like parse_dict (evaluate/configFiles.ts).
    const fromFile =
      (how: string, key: string) => (ip: Interp, me: unknown, args: Value[], kw: Kw, node: Node | null) => {
        const dict = loadConfigAt(ip, args[0] ?? kw.get(key), node, `HfArgumentParser.${how}`);
        return dict?.k === "dict" ? build(ip, node, dict) : fromOutside(how)(ip, me, args, kw, node);
      };
    return nativeObject(
      "transformers.HfArgumentParser",
      {},
      {
        parse_args_into_dataclasses: fromOutside("parse_args_into_dataclasses"),
        parse_json_file: fromFile("parse_json_file", "json_file"),
        parse_yaml_file: fromFile("parse_yaml_file", "yaml_file"),
        parse_dict: (ip, _me, [dict], _kw, node) => build(ip, node, dict),
      },
    );
  });
}
