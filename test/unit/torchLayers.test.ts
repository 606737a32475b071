// TORCH_LAYERS against real PyTorch 1.13: exact parameters, output shapes and aten-level MACs per case.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgError, ShapeError, UNKNOWN } from "../../server/src/analysis/frameworks/torch/layerSpec";
import { bindArgs } from "../../server/src/analysis/frameworks/torch/layers/bindArgs";
import { TORCH_LAYERS } from "../../server/src/analysis/frameworks/torch/layers/index";
import { stackParams } from "../../server/src/analysis/frameworks/torch/layers/transformer";
import { dtypePairs, loadOracle, numel, shapesOnly } from "./torchOracleCases";

const oracle = loadOracle();

function spec(name: string) {
  const s = TORCH_LAYERS[name];
  assert.ok(s, `TORCH_LAYERS has no ${name}`);
  return s;
}

describe(`torch.nn layers vs PyTorch ${oracle.torch}`, () => {
  test("the oracle covers at least 80 layer configurations", () => {
    assert.ok(oracle.layers.length >= 80, `${oracle.layers.length} cases`);
  });

  for (const c of oracle.layers) {
    test(c.call, () => {
      const s = spec(c.layer);
      const a = bindArgs(c.layer, s.signature, c.args, c.kwargs);
      if (c.tag === "lazy") {
        assert.throws(() => s.params(a), ArgError);
        // The first call creates them: what PyTorch has after the oracle's forward.
        assert.ok(s.materialize, `${c.layer} materializes on its first call`);
        assert.deepEqual(s.materialize(a, c.inputs), c.params);
      } else {
        const params = s.params(a);
        assert.deepEqual(params, c.params);
        assert.equal(
          Object.values(params).reduce((n, p) => n + numel(p), 0),
          c.totalParams,
        );
      }
      assert.ok(s.forward, `${c.layer} has a forward rule`);
      // SyncBatchNorm runs only on GPUs, so the oracle measured its parameters alone.
      if (c.tag === "paramsOnly") return;
      const r = s.forward(a, c.inputs, c.forwardKwargs);
      assert.deepEqual(shapesOnly(r.output), shapesOnly(c.output));
      assert.equal(r.macs, c.macs, "MACs");
      for (const [want, got] of dtypePairs(c.output, r.output)) if (got !== undefined) assert.equal(got, want, "dtype");
    });
  }

  for (const c of oracle.errors) {
    test(`rejects ${c.call} (torch: ${c.torchError} at ${c.phase})`, () => {
      const s = spec(c.layer);
      const run = () => {
        const a = bindArgs(c.layer, s.signature, c.args, c.kwargs);
        s.params(a);
        if (c.phase === "forward") s.forward?.(a, c.inputs, c.forwardKwargs);
      };
      assert.throws(run, (e: unknown) => e instanceof ArgError || e instanceof ShapeError);
      if (c.phase === "construct") {
        // Constructor-time rejections must surface from params(), before any input is seen.
        assert.throws(() => s.params(bindArgs(c.layer, s.signature, c.args, c.kwargs)), ArgError);
      }
    });
  }

  for (const c of oracle.stacks) {
    test(c.call, () => {
      const layer = spec(c.layer);
      const a = bindArgs(c.layer, layer.signature, c.layerArgs, c.layerKwargs);
      const normParams = c.norm
        ? spec(c.norm.layer).params(bindArgs(c.norm.layer, spec(c.norm.layer).signature, c.norm.args))
        : null;
      const stack = spec(c.stack);
      assert.deepEqual(stack.params(bindArgs(c.stack, stack.signature, [null, c.numLayers])), {});
      assert.deepEqual(stackParams(layer.params(a), c.numLayers, normParams), c.params);
      // Each copy of the layer sees the same shapes, so the stack's MACs are num_layers × one layer's.
      const one = layer.forward!(a, c.inputs, {});
      assert.deepEqual(shapesOnly(one.output), shapesOnly(c.output));
      assert.equal(one.macs * c.numLayers, c.macs);
    });
  }
});

describe("unknown inputs", () => {
  test("an unknown input shape gives an unknown output and 0 MACs, never a throw", () => {
    for (const [name, s] of Object.entries(TORCH_LAYERS)) {
      if (!s.forward) continue;
      const sample = oracle.layers.find((c) => c.layer === name && c.tag !== "paramsOnly");
      if (!sample) continue;
      const a = bindArgs(name, s.signature, sample.args, sample.kwargs);
      const r = s.forward(
        a,
        sample.inputs.map(() => ({ tensor: null })),
        {},
      );
      assert.equal(r.macs, 0, name);
      const flat = JSON.stringify(r.output);
      assert.ok(!/\d/.test(flat.replace(/"dtype":"[a-z0-9]+"/g, "")), `${name} invented a shape: ${flat}`);
    }
  });

  test("an unknown constructor argument is an ArgError naming the layer and argument", () => {
    const s = spec("Linear");
    const a = bindArgs("Linear", s.signature, [784, UNKNOWN]);
    assert.throws(() => s.params(a), /^ArgError: Linear: out_features is unknown$/);
    const conv = spec("Conv2d");
    assert.throws(
      () => conv.params(bindArgs("Conv2d", conv.signature, [3, 8])),
      /missing required argument 'kernel_size'/,
    );
  });
});

describe("layers newer than torch 1.13, checked against their 1.13 equivalents", () => {
  test("ZeroPadNd and CircularPadNd reshape like ConstantPadNd with the same padding", () => {
    const cases = oracle.layers.filter((c) => c.layer.startsWith("ConstantPad"));
    assert.ok(cases.length >= 3);
    for (const c of cases) {
      const n = c.layer.slice("ConstantPad".length);
      for (const name of [`ZeroPad${n}`, `CircularPad${n}`]) {
        const s = spec(name);
        const r = s.forward!(bindArgs(name, s.signature, [c.args[0]!]), c.inputs, {});
        assert.deepEqual(shapesOnly(r.output), shapesOnly(c.output), `${name} vs ${c.call}`);
      }
    }
  });

  test("RMSNorm owns LayerNorm's weight and no bias", () => {
    const cases = oracle.layers.filter((c) => c.layer === "LayerNorm" && c.params.weight);
    assert.ok(cases.length >= 2);
    for (const c of cases) {
      const s = spec("RMSNorm");
      const a = bindArgs("RMSNorm", s.signature, c.args);
      assert.deepEqual(s.params(a), { weight: c.params.weight });
      assert.deepEqual(shapesOnly(s.forward!(a, c.inputs, {}).output), shapesOnly(c.output));
    }
  });
});

describe("an unknown size argument is read from the input, as torch would require it", () => {
  const inferred: Record<string, string[]> = {
    Linear: ["in_features"],
    Bilinear: ["in1_features", "in2_features"],
    GroupNorm: ["num_channels"],
    LayerNorm: ["normalized_shape"],
    MultiheadAttention: ["embed_dim"],
    TransformerEncoderLayer: ["d_model"],
    TransformerDecoderLayer: ["d_model"],
  };
  for (const n of [1, 2, 3]) {
    for (const k of ["Conv", "ConvTranspose"]) inferred[`${k}${n}d`] = ["in_channels"];
    for (const k of ["BatchNorm", "InstanceNorm"]) inferred[`${k}${n}d`] = ["num_features"];
  }
  for (const k of ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]) inferred[k] = ["input_size"];

  const cases = oracle.layers.filter((c) => inferred[c.layer]);
  test("covers every layer with an inferable argument", () => {
    assert.deepEqual(new Set(cases.map((c) => c.layer)), new Set(Object.keys(inferred)));
  });
  for (const c of cases) {
    test(`${c.call} with ${inferred[c.layer]!.join(", ")} unknown`, () => {
      const s = spec(c.layer);
      const a = bindArgs(c.layer, s.signature, c.args, c.kwargs);
      for (const name of inferred[c.layer]!) a[name] = UNKNOWN;
      // Parameters need the unknown size, unless the layer has none (a norm without affine).
      if (Object.keys(c.params).length > 0) assert.throws(() => s.params(a), ArgError);
      else assert.deepEqual(s.params(a), {});
      const r = s.forward!(a, c.inputs, c.forwardKwargs);
      assert.deepEqual(shapesOnly(r.output), shapesOnly(c.output));
      assert.equal(r.macs, c.macs);
    });
  }
});
