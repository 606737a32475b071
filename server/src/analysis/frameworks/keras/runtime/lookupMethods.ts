// Methods of the preprocessing layers that learn from data: adapt() marks a lookup layer's vocabulary
// as the data's (unknown to the analysis), vocabulary_size() answers from a literal vocabulary, and
// set_vocabulary() replaces it, so `Embedding(lookup.vocabulary_size(), d)` is sized or says why not.

import type { Node } from "web-tree-sitter";
import type { Interp } from "../../../evaluate/interp";
import { builtin, int, NONE, unknown, type Value } from "../../../evaluate/values";
import type { KArgs } from "../kerasLayerSpec";
import { ADAPTED, lookupVocabularySize } from "../layers/lookup";
import { toKArg } from "./layerCall";
import { layerOf } from "./state";

/** Layers whose vocabulary decides vocabulary_size() (TextVectorization adds its own "" and [UNK]). */
const LOOKUPS = new Set(["StringLookup", "IntegerLookup"]);
/** Layers with an adapt() (keras.layers preprocessing that computes state from data). */
const ADAPTS = new Set([...LOOKUPS, "TextVectorization", "Normalization", "Discretization"]);

function vocabularySize(ip: Interp, self: Value | undefined, node: Node | null): Value {
  const st = layerOf(ip, self);
  if (!st?.args) return unknown(`${st?.className ?? "layer"}.vocabulary_size()`, node);
  if (st.className === "TextVectorization") return textVocabularySize(st.args, node);
  if (!LOOKUPS.has(st.className))
    return unknown(`${st.className}.vocabulary_size(): the vocabulary adapt() learns from the data`, node);
  const n = lookupVocabularySize(st.args, st.className);
  return typeof n === "number" ? int(n) : unknown(n, node);
}

/**
 * TextVectorization with a literal vocabulary: output_mode "int" reserves the mask "" and "[UNK]"
 * (len + 2), the other modes only "[UNK]" (len + 1) (real Keras 3.15.1: 3 tokens → 5 for int, 4 for
 * multi_hot and tf_idf). Adapted, or read from a file, the size is unknown.
 */
function textVocabularySize(a: KArgs, node: Node | null): Value {
  const vocab = a.vocabulary;
  if (a[ADAPTED] === true || !Array.isArray(vocab))
    return unknown("TextVectorization.vocabulary_size(): the vocabulary adapt() learns from the data", node);
  return int(vocab.length + (a.output_mode === "int" ? 2 : 1));
}

/** Extra class attributes of the catalog layer `name`, or none. */
export function preprocessingMethods(name: string): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!ADAPTS.has(name)) return out;
  out.set(
    "adapt",
    builtin(`${name}.adapt`, (ip, [self], _kw, _node) => {
      // Normalization's statistics and Discretization's boundaries have a fixed size: nothing to mark.
      const st = layerOf(ip, self);
      if (st?.args && (LOOKUPS.has(name) || name === "TextVectorization") && !Array.isArray(st.args.vocabulary))
        st.args[ADAPTED] = true;
      return NONE;
    }),
  );
  if (name === "Normalization" || name === "Discretization") return out;
  out.set(
    "vocabulary_size",
    builtin(`${name}.vocabulary_size`, (ip, [self], _kw, node) => vocabularySize(ip, self, node)),
  );
  out.set(
    "get_vocabulary",
    builtin(`${name}.get_vocabulary`, (ip, [self], _kw, node) => {
      const n = vocabularySize(ip, self, node);
      return unknown(
        `${name}.get_vocabulary(): the tokens themselves${n.k === "num" ? "" : " (unknown vocabulary)"}`,
        node,
      );
    }),
  );
  out.set(
    "set_vocabulary",
    builtin(`${name}.set_vocabulary`, (ip, [self, vocab], kw, _node) => {
      const st = layerOf(ip, self);
      const v = kw.get("vocabulary") ?? vocab;
      if (st?.args && v) {
        st.args.vocabulary = toKArg(ip, v);
        delete st.args[ADAPTED];
      }
      return NONE;
    }),
  );
  return out;
}
