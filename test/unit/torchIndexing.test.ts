// Tensor indexing `x[key]` (tensorIndex.ts) against real PyTorch 1.13: the Tensor.__getitem__ cases of
// layers.expected.json, whose keys are converted to the interpreter's values as the evaluator makes them.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { indexTensor } from "../../server/src/analysis/frameworks/torch/tensorIndex";
import { int, list, NONE, type TensorV, tensor, tuple, type Value } from "../../server/src/analysis/evaluate/values";
import { loadOracle, type OracleTensor } from "./torchOracleCases";

const oracle = loadOracle();
const cases = oracle.functions.filter((f) => f.name === "Tensor.__getitem__");

/** One element of a key: numbers, None, tensors, {slice}, {ellipsis}; a nested array is a list index. */
function keyItem(v: unknown): Value {
  if (v === null) return NONE;
  if (typeof v === "number") return int(v);
  if (Array.isArray(v)) return list(v.map(keyItem));
  const o = v as Record<string, unknown>;
  if ("tensor" in o) return tensor((o as unknown as OracleTensor).tensor, (o as unknown as OracleTensor).dtype);
  if ("slice" in o) {
    const [lo, hi, step] = (o.slice as Array<number | null>).map(keyItem);
    return { k: "slice", lo: lo!, hi: hi!, step: step! };
  }
  if ("ellipsis" in o) return { k: "native", type: "ellipsis", data: {}, getattr: () => undefined };
  throw new Error(`unexpected key item ${JSON.stringify(v)}`);
}

describe(`tensor indexing vs PyTorch ${oracle.torch}`, () => {
  test("the oracle has indexing cases", () => assert.ok(cases.length >= 10));
  for (const c of cases) {
    test(c.call, () => {
      const [x, key] = c.args as unknown as [OracleTensor, unknown[]];
      const r = indexTensor(tensor(x.tensor, x.dtype) as TensorV, tuple(key.map(keyItem)), null);
      assert.equal(r.k, "tensor");
      assert.deepEqual((r as TensorV).shape, (c.output as OracleTensor).tensor);
    });
  }

  test("a boolean mask selects a data-dependent count: the shape is unknown, not guessed", () => {
    const x = tensor([5, 6], "float32") as TensorV;
    const r = indexTensor(x, tensor([5, 6], "bool"), null) as TensorV;
    assert.equal(r.shape, null);
  });
});
