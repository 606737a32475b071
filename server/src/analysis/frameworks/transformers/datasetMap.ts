// `Dataset.map(fn, batched=...)`: runs `fn` once on a symbolic row or batch to learn what it does
// to each row — a tokenizer call inside sets tokens per sample and adds token columns; a batched
// function that returns columns the analysis cannot size (regrouping into blocks, say) leaves the
// row count unknown instead of guessing it.
import type { Node } from "web-tree-sitter";
import { callValue } from "../../evaluate/calls/call";
import type { Interp } from "../../evaluate/interp";
import { nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  dictFrom,
  int,
  type Kw,
  list,
  NONE,
  str,
  tensor,
  truthy,
  unknown,
  type Value,
} from "../../evaluate/values";
import type { HfSplit } from "./hfDatasets";
import { tokenCalls } from "./tokenizers";

/** Columns a row dict already knows, by name. */
function columns(row: Value): Map<string, Value> {
  const out = new Map<string, Value>();
  if (row.k === "dict") for (const [k, v] of row.map.values()) if (k.k === "str") out.set(k.v, v);
  return out;
}

/** What `fn` receives: a row (or a batch of rows) whose text columns are unknown strings. */
function view(row: Value, batched: boolean): Value {
  const cols = columns(row);
  const v = nativeObject(
    batched ? "LazyBatch" : "row",
    {},
    {
      keys: () => list([...cols.keys()].map(str)),
      items: () => list([...cols].map(([k, x]) => ({ k: "tuple", items: [str(k), x] }))),
      get: (_ip, _me, [key, d]) => (key?.k === "str" ? (cols.get(key.v) ?? d ?? NONE) : NONE),
    },
  );
  v.getitem = (_ip, _me, key, node) => {
    const name = key.k === "str" ? key.v : "?";
    const known = cols.get(name);
    if (known && !batched) return known;
    return unknown(`${batched ? "a batch of " : ""}column ${name} (data read at run time)`, node);
  };
  v.iter = () => [...cols.keys()].map(str);
  return v;
}

/** Output columns of `fn`: a BatchEncoding instance's attributes or a dict's entries. */
function outputColumns(out: Value): Map<string, Value> | null {
  if (out.k === "instance" && !out.mod) return new Map(out.attrs);
  if (out.k === "dict") return columns(out);
  return null;
}

/** One row's value of an output column: token columns become [tokens] int64 tensors. */
function rowValue(v: Value, tokens: number | null, fromTokenizer: boolean): Value | null {
  if (v.k === "num" || v.k === "bool") return int(v.k === "num" ? v.v : 0);
  if (v.k === "tensor") return tensor(v.shape && v.shape.length > 1 ? v.shape.slice(1) : v.shape, v.dtype);
  if (fromTokenizer) {
    const t = tensor(tokens !== null ? [tokens] : null, "int64");
    t.origin = "tokenized dataset";
    return t;
  }
  return null;
}

export function mapRows(ip: Interp, s: HfSplit, args: Value[], kw: Kw, node: Node | null): HfSplit {
  const f = kw.get("function") ?? args[0];
  if (!f || f.k === "none") return s;
  const batched = truthy(kw.get("batched") ?? NONE) === true;
  const calls = tokenCalls(ip);
  const before = calls.length;
  const fnArgs: Value[] = [view(s.row, batched)];
  if (truthy(kw.get("with_indices") ?? NONE) === true) fnArgs.push(batched ? list([]) : int(0));
  const out = callValue(ip, f, fnArgs, new Map(), node);
  const made = calls.slice(before);
  const sized = made.find((c) => c.tokens !== null && !c.target) ?? made.find((c) => c.tokens !== null);
  // Seq2seq preprocessing tokenizes the targets separately (text_target=...): the labels' own length.
  const targetTokens = made.find((c) => c.target && c.tokens !== null)?.tokens ?? null;
  const tokens = sized ? sized.tokens : made.length > 0 ? null : s.info.tokensPerSample;
  let tokensFrom: number | null = null;
  if (made.length > 0 && !sized)
    ip.note(
      `tokens per sample are unknown: ${made[0].how}`,
      node,
      'pass max_length= with truncation=True or padding="max_length"',
    );

  const row = columns(s.row);
  const outCols = outputColumns(out);
  let unsized = out.k === "unknown";
  if (outCols) {
    for (const [name, v] of outCols) {
      const fromTok = made.length > 0 && (v.k === "unknown" || v.k === "tensor") && /token|ids|mask|label/i.test(name);
      const len = name === "labels" && targetTokens !== null ? targetTokens : tokens;
      const rv = rowValue(v, len, fromTok || (made.length > 0 && v.k === "unknown"));
      if (rv) row.set(name, rv);
      else if (v.k === "unknown") unsized = true;
    }
  }
  for (const name of asNames(kw.get("remove_columns"))) if (!outCols?.has(name)) row.delete(name);

  let samples = s.info.samples;
  const block = made.length === 0 && batched ? blockSizeOf(f) : null;
  if (block) {
    // run_clm / run_mlm's group_texts: concatenated token ids cut into rows of block_size tokens.
    tokensFrom = block.value;
    ip.note(`tokens per sample: ${block.name} = ${block.value} (texts regrouped into fixed-size blocks)`, node);
  }
  if (batched && made.length === 0 && unsized && samples !== null) {
    // A batched function may return more or fewer rows than it got (regrouping text into blocks).
    ip.note(
      "map(batched=True) with a function that does not tokenize: it may change the number of rows, so the sample count is unknown",
      node,
      "add `# footprint: samples N`",
    );
    samples = null;
  }
  return {
    info: { ...s.info, samples, tokensPerSample: tokensFrom ?? tokens },
    row: dictFrom([...row].map(([k, v]) => [str(k), v])),
    match: s.match,
  };
}

/** Names the Hugging Face examples give the length of a regrouped block (run_clm: block_size, run_mlm: max_seq_length). */
const BLOCK_NAMES = ["block_size", "max_seq_length", "context_length", "seq_len", "chunk_size"];

/** A regrouping function's block length: a known int bound to one of BLOCK_NAMES that its body reads. */
function blockSizeOf(f: Value): { name: string; value: number } | null {
  if (f.k !== "func") return null;
  const text = f.node.text;
  for (const name of BLOCK_NAMES) {
    if (!new RegExp(`\\b${name}\\b`).test(text)) continue;
    const v = f.defaults.get(name) ?? f.closure.lookup(name);
    const n = v ? asInt(v) : null;
    if (n !== null && n > 0) return { name, value: n };
  }
  return null;
}

function asNames(v: Value | undefined): string[] {
  if (!v) return [];
  if (v.k === "str") return [v.v];
  if (v.k === "list" || v.k === "tuple") return v.items.flatMap((x) => (x.k === "str" ? [x.v] : []));
  return [];
}
