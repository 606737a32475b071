// The directive a model without an input shape should get, written in that model's own terms:
// the first layer that reads the input decides (a 2-D conv wants channels × height × width, an
// Embedding wants a token count, a batch-first LSTM wants steps × features), so the hint for a
// language model never suggests an image size.
import type { Args } from "../frameworks/torch/layerSpec";

interface FirstLayer {
  className: string;
  args: Args | null;
}

const num = (a: Args | null, key: string): number | null => {
  const v = a?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
};

/** The example shape for `# footprint: input …` given the first parameterised layer. */
export function exampleInput(first: FirstLayer | null): string {
  if (!first) return "3x224x224";
  const a = first.args;
  switch (first.className) {
    case "Conv1d":
      return `${num(a, "in_channels") ?? 1}x16000`;
    case "Conv2d":
    case "LazyConv2d":
      return `${num(a, "in_channels") ?? 3}x224x224`;
    case "Conv3d":
      return `${num(a, "in_channels") ?? 3}x16x112x112`;
    case "Embedding":
    case "EmbeddingBag":
      return "128";
    case "RNN":
    case "LSTM":
    case "GRU":
      // Sequence-first unless batch_first: the directive is per sample, so steps × features either way.
      return `128x${num(a, "input_size") ?? 1}`;
    case "Linear":
      return `${num(a, "in_features") ?? 1}`;
    default:
      return "3x224x224";
  }
}

export function inputHint(first: FirstLayer | null, forwardInputs: string[] = []): string {
  // `# footprint: input` gives one tensor: a forward that needs several (x, t, context) cannot be
  // traced from it, so the directive that helps is the forward cost itself.
  if (forwardInputs.length > 1)
    return `add \`# footprint: flops <FLOPs per sample>\` above the model (its forward takes ${forwardInputs.length} inputs, ${forwardInputs.join(", ")}, and \`# footprint: input\` gives one shape), or call it once on dummy tensors of the per-sample shapes`;
  const example = exampleInput(first);
  const unit = first && /Embedding/.test(first.className) ? " (tokens per sample)" : " (the per-sample input shape)";
  return `add \`# footprint: input ${example}\`${unit} above the model`;
}
