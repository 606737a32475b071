// TORCH_FUNCTIONS against real PyTorch 1.13: output shapes, dtypes and aten-level MACs per call.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TORCH_FUNCTIONS } from "../../server/src/analysis/frameworks/torch/functional/index";
import { ArgError, ShapeError, UNKNOWN } from "../../server/src/analysis/frameworks/torch/layerSpec";
import { bindArgs } from "../../server/src/analysis/frameworks/torch/layers/bindArgs";
import { dtypePairs, loadOracle, shapesOnly } from "./torchOracleCases";

const oracle = loadOracle();

function apply(name: string, args: Parameters<typeof bindArgs>[2], kwargs: Parameters<typeof bindArgs>[3] = {}) {
  const spec = TORCH_FUNCTIONS[name];
  assert.ok(spec, `TORCH_FUNCTIONS has no ${name}`);
  return spec.apply(bindArgs(name, spec.signature, args, kwargs));
}

describe(`torch functions vs PyTorch ${oracle.torch}`, () => {
  // Indexing is the interpreter's subscript, not a table entry: torchIndexing.test.ts runs those cases.
  for (const c of oracle.functions.filter((f) => f.name !== "Tensor.__getitem__")) {
    test(c.call, () => {
      const r = apply(c.name, c.args, c.kwargs);
      assert.deepEqual(shapesOnly(r.output), shapesOnly(c.output));
      assert.equal(r.macs, c.macs, "MACs");
      for (const [want, got] of dtypePairs(c.output, r.output)) {
        // A dtype other than the default must be tracked; float32 may be left to the default.
        if (want !== "float32" || got !== undefined) assert.equal(got, want, "dtype");
      }
    });
  }
});

describe("function edge cases", () => {
  test("an unknown tensor shape propagates as unknown with 0 MACs", () => {
    const r = apply("torch.matmul", [{ tensor: null }, { tensor: [3, 4] }]);
    assert.deepEqual(r, { output: { tensor: null }, macs: 0 });
    assert.deepEqual(apply("Tensor.view", [{ tensor: null }, -1, 320]).output, { tensor: null });
  });

  test("shape mismatches are ShapeErrors that say expected vs got", () => {
    assert.throws(
      () => apply("torch.matmul", [{ tensor: [2, 3] }, { tensor: [4, 5] }]),
      (e: unknown) => {
        return e instanceof ShapeError && /inner dims 3 and 4/.test(e.message);
      },
    );
    assert.throws(() => apply("Tensor.view", [{ tensor: [2, 3] }, -1, 4]), ShapeError);
    assert.throws(() => apply("torch.cat", [[{ tensor: [2, 3] }, { tensor: [2, 4] }]]), ShapeError);
  });

  test("a malformed einsum equation is an ArgError, not a guess", () => {
    assert.throws(() => apply("torch.einsum", ["ij,jk->ik", { tensor: [2, 3] }]), ArgError);
    assert.throws(() => apply("torch.einsum", ["i.j,jk->ik", { tensor: [2, 3] }, { tensor: [3, 4] }]), ArgError);
  });
});

describe("values that depend on tensor data", () => {
  test("x.item() and x.tolist() are unknown, not invented", () => {
    assert.equal(apply("Tensor.item", [{ tensor: [] }]).output, UNKNOWN);
    assert.equal(apply("Tensor.tolist", [{ tensor: [3] }]).output, UNKNOWN);
    assert.deepEqual(apply("torch.nn.functional.one_hot", [{ tensor: [4], dtype: "int64" }]).output, {
      tensor: null,
      dtype: "int64",
    });
  });
});

describe("scaled_dot_product_attention with grouped key/value heads (torch 2.5, absent from 1.13)", () => {
  test("costs what the same call with key/value heads repeated costs (that call is oracle-checked)", () => {
    const name = "torch.nn.functional.scaled_dot_product_attention";
    const c = oracle.functions.find((f) => f.name === name);
    assert.ok(c, "the oracle has a plain scaled_dot_product_attention case");
    const [q, k, v] = c.args as Array<{ tensor: number[] }>;
    const heads = q!.tensor[q!.tensor.length - 3]!;
    const grouped = (t: { tensor: number[] }) => ({
      tensor: t.tensor.map((d, i) => (i === t.tensor.length - 3 ? heads / 2 : d)),
    });
    const r = apply(name, [q!, grouped(k!), grouped(v!)], { enable_gqa: true });
    assert.deepEqual(shapesOnly(r.output), shapesOnly(c.output));
    assert.equal(r.macs, c.macs);
    assert.throws(() => apply(name, [q!, grouped(k!), grouped(v!)]), ShapeError);
  });
});
