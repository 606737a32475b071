// `Dataset.map(fn, batched=...)`: runs `fn` once on a symbolic row or batch to learn what it does
// to each row — a tokenizer call inside sets tokens per sample and adds token columns; a batched
// function that returns columns the analysis cannot size (regrouping into blocks, say) leaves the
// row count unknown instead of guessing it.
import type { Node } from "web-tree-sitter";
import type { Expr } from "../../evaluate/ast";
import { callValue } from "../../evaluate/calls/call";
import { evalExpr } from "../../evaluate/expressions";
import type { Interp } from "../../evaluate/interp";
import { thousands } from "../../format";
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
  let tokensNote = made.length > 0 ? undefined : s.tokensNote;
  if (made.length > 0 && !sized) {
    const message = `tokens per sample are unknown: ${made[0].how}`;
    ip.note(message, node, 'pass max_length= with truncation=True or padding="max_length"');
    const at = ip.range(node);
    tokensNote = ip.unknowns.find((u) => u.range === at && u.message.startsWith(message));
  }

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
  let tokensHow = sized ? sized.how : made.length > 0 ? undefined : s.info.tokensHow;
  const block = made.length === 0 && batched ? blockSizeOf(ip, f) : null;
  if (block) {
    // run_clm / run_mlm's group_texts: concatenated token ids cut into rows of block_size tokens.
    // A resolved length is evidence for the run, not an unknown: it travels with the dataset.
    tokensFrom = block.value;
    // The earlier "tokens per sample are unknown" of the tokenizing map() is now answered.
    const i = tokensNote ? ip.unknowns.indexOf(tokensNote) : -1;
    if (i >= 0) ip.unknowns.splice(i, 1);
    tokensNote = undefined;
    const at = ip.range(node);
    tokensHow = `${block.name} = ${block.value}: texts regrouped into fixed-size blocks${at ? ` (line ${at.start.line + 1})` : ""}`;
    // Every token column is cut into the same blocks (group_texts slices each concatenated column), and
    // labels copied from input_ids join them: a hand-written loop's batch then has the block's shape.
    const tokenCols = [...row.keys(), ...(outCols?.keys() ?? [])].filter((n) => /token|ids|mask|label/i.test(n));
    for (const name of new Set(tokenCols)) {
      const t = tensor([block.value], "int64");
      t.origin = tokensHow;
      row.set(name, t);
    }
  }
  if (batched && samples !== null && made.some((c) => c.overflow)) {
    // Fast tokenizers split a text longer than max_length into several windows (stride overlap), each
    // a row: the rows are at least the examples, by how much depends on the texts' lengths.
    ip.note(
      `return_overflowing_tokens=True: texts longer than max_length become several rows, so the ${thousands(samples)} rows are a lower bound`,
      node,
      "add `# footprint: samples N` (the number of features after tokenizing)",
    );
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
    info: { ...s.info, samples, tokensPerSample: tokensFrom ?? tokens, tokensHow },
    row: dictFrom([...row].map(([k, v]) => [str(k), v])),
    match: s.match,
    tokensNote,
  };
}

/** Names the Hugging Face examples give the length of a regrouped block (run_clm: block_size, run_mlm: max_seq_length). */
const BLOCK_NAMES = ["block_size", "max_seq_length", "context_length", "seq_len", "chunk_size"];

/**
 * A regrouping function's block length: the step X of the comprehension that cuts the concatenated
 * ids, `[t[i : i + X] for i in range(0, total, X)]`, whatever X is called; else a known int under
 * one of BLOCK_NAMES (any case: BLOCK_SIZE is a module constant) that the body reads.
 */
function blockSizeOf(ip: Interp, f: Value): { name: string; value: number } | null {
  if (f.k !== "func") return null;
  const step = chunkStep(f.body);
  if (step) {
    const n = asInt(valueIn(ip, f, step));
    if (n !== null && n > 0) return { name: step.node.text, value: n };
  }
  const text = f.node.text;
  for (const name of BLOCK_NAMES) {
    const spelled = new RegExp(`\\b${name}\\b`, "i").exec(text)?.[0];
    if (!spelled) continue;
    const v = f.defaults.get(spelled) ?? f.closure.lookup(spelled);
    const n = v ? asInt(v) : null;
    if (n !== null && n > 0) return { name: spelled, value: n };
  }
  return null;
}

/** `X` as the function sees it: a parameter default, a closure or module name, a literal or `args.x`. */
function valueIn(ip: Interp, f: Extract<Value, { k: "func" }>, x: Expr): Value | undefined {
  if (x.t === "name") return f.defaults.get(x.id) ?? f.closure.lookup(x.id);
  if (x.t === "num" || (x.t === "attr" && x.obj.t === "name")) return evalExpr(ip, x, f.closure);
  return undefined;
}

/** The step of `range(a, b, X)` driving a comprehension whose element slices `[i : i + X]`. */
function chunkStep(body: unknown): Expr | null {
  for (const e of exprsIn(body)) {
    if (e.t !== "comp") continue;
    for (const c of e.clauses) {
      if (c.kind !== "for" || c.target.t !== "name") continue;
      const it = c.iter;
      if (it.t !== "call" || it.fn.t !== "name" || it.fn.id !== "range" || it.args.length !== 3) continue;
      const i = c.target.id;
      const step = it.args[2]!.value;
      const cuts = (x: Expr) =>
        x.t === "slice" &&
        x.lo?.t === "name" &&
        x.lo.id === i &&
        x.hi?.t === "bin" &&
        x.hi.op === "+" &&
        x.hi.l.t === "name" &&
        x.hi.l.id === i &&
        x.hi.r.node.text === step.node.text;
      if ([...exprsIn(e.elt)].some(cuts)) return step;
    }
  }
  return null;
}

/** Every expression node under a lowered statement or expression (the tree-sitter node is skipped). */
function* exprsIn(x: unknown): Generator<Expr> {
  if (Array.isArray(x)) {
    for (const y of x) yield* exprsIn(y);
    return;
  }
  if (!x || typeof x !== "object") return;
  const o = x as Record<string, unknown>;
  if (typeof o.t === "string") yield o as Expr;
  for (const [k, v] of Object.entries(o)) if (k !== "node") yield* exprsIn(v);
}

function asNames(v: Value | undefined): string[] {
  if (!v) return [];
  if (v.k === "str") return [v.v];
  if (v.k === "list" || v.k === "tuple") return v.items.flatMap((x) => (x.k === "str" ? [x.v] : []));
  return [];
}
