// torch.nn linear layers: Linear, LazyLinear, Bilinear, Identity — parameters, shapes and MACs.

import { ArgError, type Arg, type ForwardResult, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import { boolArg, dtypeOf, inputShape, sizeArg, tensor, unknownResult, weightAndBias } from "./argUtils";
import { broadcastShapes, prod, showShape } from "./shapeUtils";

/** Applies a dense map on the last dim: [..., inF] → [..., outF], rows × inF × outF MACs. */
export function denseForward(
  owner: string,
  input: Arg | undefined,
  inFeatures: number | null,
  outFeatures: number,
): ForwardResult {
  const shape = inputShape([input ?? null], 0, owner);
  if (shape === null) return unknownResult(dtypeOf(input));
  if (shape.length === 0) throw new ShapeError(`${owner}: expected at least a 1-d input, got a 0-d tensor`);
  const last = shape[shape.length - 1]!;
  if (inFeatures !== null && last !== inFeatures) {
    throw new ShapeError(
      `${owner}(${inFeatures}→${outFeatures}) expected last dim ${inFeatures}, got ${showShape(shape)}`,
    );
  }
  const rows = prod(shape.slice(0, -1));
  return { output: tensor([...shape.slice(0, -1), outFeatures], dtypeOf(input)), macs: rows * last * outFeatures };
}

const Linear: LayerSpec = {
  signature: [
    ["in_features", REQUIRED],
    ["out_features", REQUIRED],
    ["bias", true],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    const inF = sizeArg(a, "in_features", "Linear");
    const outF = sizeArg(a, "out_features", "Linear");
    return weightAndBias([outF, inF], boolArg(a, "bias", "Linear") ? [outF] : null);
  },
  forward(a, inputs) {
    return denseForward("Linear", inputs[0], sizeArg(a, "in_features", "Linear"), sizeArg(a, "out_features", "Linear"));
  },
};

const LazyLinear: LayerSpec = {
  signature: [
    ["out_features", REQUIRED],
    ["bias", true],
    ["device", null],
    ["dtype", null],
  ],
  params() {
    throw new ArgError("LazyLinear: in_features is only known after the first forward call; parameters are unknown");
  },
  forward(a, inputs) {
    // The first call fixes in_features to the input's last dim, so the output and MACs are known.
    return denseForward("LazyLinear", inputs[0], null, sizeArg(a, "out_features", "LazyLinear"));
  },
  materialize(a, inputs) {
    const x = inputShape(inputs, 0, "LazyLinear");
    const inF = x && x.length > 0 ? x[x.length - 1] : null;
    return typeof inF === "number" ? Linear.params({ ...a, in_features: inF }) : null;
  },
};

const Bilinear: LayerSpec = {
  signature: [
    ["in1_features", REQUIRED],
    ["in2_features", REQUIRED],
    ["out_features", REQUIRED],
    ["bias", true],
    ["device", null],
    ["dtype", null],
  ],
  params(a) {
    const in1 = sizeArg(a, "in1_features", "Bilinear");
    const in2 = sizeArg(a, "in2_features", "Bilinear");
    const out = sizeArg(a, "out_features", "Bilinear");
    return weightAndBias([out, in1, in2], boolArg(a, "bias", "Bilinear") ? [out] : null);
  },
  forward(a, inputs) {
    const in1 = sizeArg(a, "in1_features", "Bilinear");
    const in2 = sizeArg(a, "in2_features", "Bilinear");
    const out = sizeArg(a, "out_features", "Bilinear");
    const x1 = inputShape(inputs, 0, "Bilinear");
    const x2 = inputShape(inputs, 1, "Bilinear");
    if (x1 === null || x2 === null) return unknownResult(dtypeOf(inputs[0]));
    if (x1[x1.length - 1] !== in1 || x2[x2.length - 1] !== in2) {
      throw new ShapeError(
        `Bilinear(${in1}, ${in2}→${out}) expected last dims ${in1} and ${in2}, got ${showShape(x1)} and ${showShape(x2)}`,
      );
    }
    const lead = broadcastShapes(x1.slice(0, -1), x2.slice(0, -1), "Bilinear");
    return { output: tensor([...lead, out], dtypeOf(inputs[0])), macs: prod(lead) * out * in1 * in2 };
  },
};

const Identity: LayerSpec = {
  // nn.Identity accepts and ignores any constructor arguments.
  signature: [
    ["*args", []],
    ["**kwargs", null],
  ],
  params() {
    return {};
  },
  forward(_a, inputs) {
    return { output: inputs[0] ?? null, macs: 0 };
  },
};

export const LINEAR_LAYERS: Record<string, LayerSpec> = { Linear, LazyLinear, Bilinear, Identity };
