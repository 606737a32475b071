// A RunSpec for pricing tests: ResNet-50 on ImageNet-1k for 90 epochs (forward FLOPs and params
// from shared/data/model_ground_truth.csv, torchvision metadata; sample counts from the dataset catalog).
import type { RunSpec } from "../../../server/src/analysis/types";

const R = { start: { line: 3, character: 0 }, end: { line: 3, character: 10 } };

export function spec(over: Partial<RunSpec> = {}): RunSpec {
  return {
    model: "net",
    range: R,
    framework: "pytorch",
    epochs: 90,
    maxSteps: null,
    trainSamples: 1_281_167,
    valSamples: 50_000,
    batchSize: 256,
    gradientAccumulation: 1,
    tokensPerSample: null,
    precision: "fp32",
    device: null,
    trials: 1,
    forwardFlops: 8.178e9,
    params: 25_557_032,
    trainableParams: 25_557_032,
    evidence: [],
    unknowns: [],
    ...over,
  };
}
