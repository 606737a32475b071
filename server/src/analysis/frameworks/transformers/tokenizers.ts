// Hugging Face tokenizers: `AutoTokenizer.from_pretrained(...)` gives a tokenizer whose call
// returns a BatchEncoding (input_ids/attention_mask tensors) and records the tokens per sample the
// call implies (max_length with padding="max_length" or truncation), so `dataset.map(tokenize)`
// can carry tokens per sample to the Trainer without running any tokenizer.
import type { Node } from "web-tree-sitter";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import {
  asInt,
  asString,
  builtin,
  type ClassV,
  int,
  type Kw,
  list,
  NONE,
  type NativeV,
  str,
  tensor,
  truthy,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { pretrainedMaxPositions } from "./pretrained";

/** What one tokenizer call implies for the length of each encoded sample. */
export interface TokenCall {
  /** Tokens per sample; null when it depends on the text (no padding to a fixed length, no truncation). */
  tokens: number | null;
  /** How the length was decided, for notes ("padding='max_length', max_length=128"). */
  how: string;
  /** `tokenizer(text_target=...)`: the labels of a seq2seq model, not its input. */
  target?: boolean;
  /** return_overflowing_tokens=True: a text longer than max_length yields several encodings (stride). */
  overflow?: boolean;
}

/** Tokenizer calls made during this analysis, in order (map() reads the ones its function made). */
const CALLS = new WeakMap<Interp, TokenCall[]>();

export function tokenCalls(ip: Interp): TokenCall[] {
  let c = CALLS.get(ip);
  if (!c) CALLS.set(ip, (c = []));
  return c;
}

const ENCODING_CLASSES = new WeakMap<Interp, ClassV>();

/** BatchEncoding as a plain instance: its attributes are the tensors, so `model(**enc)` spreads them. */
function encodingClass(ip: Interp): ClassV {
  let cls = ENCODING_CLASSES.get(ip);
  if (cls) return cls;
  const attrs = new Map<string, Value>([
    ["to", builtin("BatchEncoding.to", (_ip, [self]) => self ?? NONE)],
    [
      "__getitem__",
      builtin("BatchEncoding.__getitem__", (_ip, [self, key], _kw, node) => {
        const k = asString(key);
        const v = self?.k === "instance" && k !== null ? self.attrs.get(k) : undefined;
        return v ?? unknown(`BatchEncoding[${k ?? "?"}]`, node);
      }),
    ],
    ["keys", builtin("BatchEncoding.keys", (_ip, [self]) => list(keysOf(self).map(str)))],
    [
      "items",
      builtin("BatchEncoding.items", (_ip, [self]) =>
        list(self?.k === "instance" ? Array.from(self.attrs, ([k, v]) => tuple([str(k), v])) : []),
      ),
    ],
    [
      "values",
      builtin("BatchEncoding.values", (_ip, [self]) => list(self?.k === "instance" ? [...self.attrs.values()] : [])),
    ],
    ["__setitem__", builtin("BatchEncoding.__setitem__", setEncodingItem)],
  ]);
  cls = makeClass("BatchEncoding", [], attrs, { qualname: "transformers.BatchEncoding" });
  ENCODING_CLASSES.set(ip, cls);
  return cls;
}

function setEncodingItem(_ip: Interp, [self, key, v]: Value[]): Value {
  const k = asString(key);
  if (self?.k === "instance" && k !== null && v) self.attrs.set(k, v);
  return NONE;
}

const keysOf = (v: Value | undefined): string[] => (v?.k === "instance" ? [...v.attrs.keys()] : []);

/** Token length implied by padding/truncation/max_length (tokenizer __call__ semantics in the HF docs). */
export function tokenLength(kw: Kw, modelMaxLength: number | null): TokenCall {
  const padding = kw.get("padding");
  const padText = asString(padding);
  const padMax = padText === "max_length";
  const trunc = kw.get("truncation");
  const truncOn =
    trunc !== undefined && (asString(trunc) !== null ? asString(trunc) !== "do_not_truncate" : truthy(trunc) === true);
  const maxLen = asInt(kw.get("max_length"));
  const limit = maxLen ?? modelMaxLength;
  if ((padMax || truncOn) && limit !== null) {
    const from = maxLen !== null ? `max_length=${maxLen}` : `the tokenizer's model_max_length ${limit}`;
    return { tokens: limit, how: padMax ? `padding="max_length", ${from}` : `truncation at ${from} (an upper bound)` };
  }
  if (padMax || truncOn)
    return { tokens: null, how: "max_length not given and the checkpoint's maximum length is unknown" };
  return { tokens: null, how: "no truncation or fixed-length padding: the length depends on the text" };
}

/** Number of texts in a tokenizer call's input: a str is one, a known list its length. */
function batchOf(text: Value | undefined): number | null {
  if (!text) return null;
  if (text.k === "str") return 1;
  if (text.k === "list" || text.k === "tuple") return text.items.length;
  return null;
}

function encode(ip: Interp, self: NativeV, args: Value[], kw: Kw, node: Node | null): Value {
  const call = tokenLength(kw, (self.data.modelMaxLength as number | null) ?? null);
  if (kw.has("text_target") && !kw.has("text") && args.length === 0) call.target = true;
  if (truthy(kw.get("return_overflowing_tokens") ?? NONE) === true) call.overflow = true;
  tokenCalls(ip).push(call);
  const inst = { k: "instance" as const, cls: encodingClass(ip), attrs: new Map<string, Value>(), mod: null };
  const pt = asString(kw.get("return_tensors")) !== null;
  const n = batchOf(kw.get("text") ?? args[0]);
  for (const key of ["input_ids", "attention_mask"]) {
    if (!pt) inst.attrs.set(key, unknown(`token ids of the text (${call.how})`, node));
    else {
      const t = tensor(n !== null && call.tokens !== null ? [n, call.tokens] : null, "int64");
      t.origin = `tokenizer output (${call.how})`;
      inst.attrs.set(key, t);
    }
  }
  return inst;
}

/** A tokenizer object for a checkpoint (AutoTokenizer / BertTokenizerFast / ... .from_pretrained). */
export function makeTokenizer(ip: Interp, checkpoint: string | null, kw: Kw): NativeV {
  const modelMaxLength =
    asInt(kw.get("model_max_length")) ?? (checkpoint ? pretrainedMaxPositions(ip, checkpoint) : null);
  const tok = nativeObject(
    "tokenizer",
    { checkpoint, modelMaxLength },
    {
      encode: (_ip, _me, _a, _kw, node) => unknown("token ids of the text", node),
      batch_encode_plus: (ip2, me, args, kw2, node) => encode(ip2, me, args, kw2, node),
      encode_plus: (ip2, me, args, kw2, node) => encode(ip2, me, args, kw2, node),
      decode: (_ip, _me, _a, _kw, node) => unknown("decoded text", node),
      batch_decode: (_ip, _me, _a, _kw, node) => unknown("decoded text", node),
      save_pretrained: () => NONE,
      add_special_tokens: (_ip, _me, _a, _kw, node) => unknown("number of tokens added", node),
      add_tokens: (_ip, _me, _a, _kw, node) => unknown("number of tokens added", node),
      convert_tokens_to_ids: (_ip, _me, _a, _kw, node) => unknown("token id", node),
      apply_chat_template: (_ip, _me, _a, _kw, node) => unknown("chat-formatted text", node),
      pad: (_ip, _me, [x]) => x ?? NONE,
    },
    (me, name) => {
      if (name === "model_max_length") {
        const m = me.data.modelMaxLength as number | null;
        return m !== null ? int(m) : unknown(`model_max_length of ${checkpoint ?? "the tokenizer"} is not known`);
      }
      if (name === "pad_token" || name === "eos_token" || name === "bos_token")
        return unknown(`${name} of the tokenizer`);
      return undefined;
    },
  );
  // `tokenizer(texts, ...)` is the usual call; nativeObject only routes attribute calls.
  tok.call = (ip2, args, kw2, node) => encode(ip2, tok, args, kw2, node);
  tok.setattr = () => true;
  return tok;
}

/** `AutoTokenizer` and the named tokenizer classes: a namespace with from_pretrained. */
export function tokenizerFactory(name: string): Value {
  return nativeObject(
    name,
    {},
    {
      from_pretrained: (ip2, _me, [ckpt], kw) =>
        makeTokenizer(ip2, asString(kw.get("pretrained_model_name_or_path") ?? ckpt), kw),
    },
  );
}

/** Data collators pass batches through; padding to the longest keeps tokens ≤ max_length. */
export function collatorFactory(name: string): Value {
  return fn(`transformers.${name}`, (_ip, _a, kw) =>
    nativeObject(`transformers.${name}`, { mlm: kw.get("mlm") ?? NONE }, {}),
  );
}
