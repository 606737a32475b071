// torch.nn.functional losses: the same reduction/shape rule as the loss modules (layers/losses.ts),
// with each function's own positional order; 0 MACs.

import { type Args, type ForwardResult, REQUIRED, type Signature } from "../layerSpec";
import { tensor } from "../layers/argUtils";
import { type LossKind, lossShape, reductionOf } from "../layers/losses";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

function loss(a: Args, owner: string, kind: LossKind, first = "input", second = "target"): ForwardResult {
  const x = shapeOf(a, first, owner);
  const t = a[second] === undefined ? null : shapeOf(a, second, owner);
  return { output: tensor(lossShape(x, t, reductionOf(a, owner), kind, owner), dtypeArg(a, first)), macs: 0 };
}

const LEGACY: Signature = [
  ["size_average", null],
  ["reduce", null],
  ["reduction", "mean"],
];

export function registerLosses(t: FunctionTable): void {
  const input = ["input", REQUIRED] as const;
  const target = ["target", REQUIRED] as const;
  const classSig: Signature = [
    input,
    target,
    ["weight", null],
    ["size_average", null],
    ["ignore_index", -100],
    ["reduce", null],
    ["reduction", "mean"],
    ["label_smoothing", 0.0],
  ];
  register(t, { F: ["cross_entropy"] }, classSig, (a) => loss(a, "F.cross_entropy", "class"));
  register(t, { F: ["nll_loss"] }, classSig.slice(0, 7), (a) => loss(a, "F.nll_loss", "class"));
  for (const name of ["mse_loss", "l1_loss", "soft_margin_loss"]) {
    register(t, { F: [name] }, [input, target, ...LEGACY], (a) => loss(a, `F.${name}`, "elementwise"));
  }
  register(t, { F: ["smooth_l1_loss"] }, [input, target, ...LEGACY, ["beta", 1.0]], (a) =>
    loss(a, "F.smooth_l1_loss", "elementwise"),
  );
  register(t, { F: ["huber_loss"] }, [input, target, ["reduction", "mean"], ["delta", 1.0]], (a) =>
    loss(a, "F.huber_loss", "elementwise"),
  );
  register(t, { F: ["binary_cross_entropy"] }, [input, target, ["weight", null], ...LEGACY], (a) =>
    loss(a, "F.binary_cross_entropy", "elementwise"),
  );
  register(
    t,
    { F: ["binary_cross_entropy_with_logits"] },
    [input, target, ["weight", null], ...LEGACY, ["pos_weight", null]],
    (a) => loss(a, "F.binary_cross_entropy_with_logits", "elementwise"),
  );
  register(t, { F: ["kl_div"] }, [input, target, ...LEGACY, ["log_target", false]], (a) =>
    loss(a, "F.kl_div", "elementwise"),
  );
  register(t, { F: ["hinge_embedding_loss"] }, [input, target, ["margin", 1.0], ...LEGACY], (a) =>
    loss(a, "F.hinge_embedding_loss", "elementwise"),
  );
  register(
    t,
    { F: ["poisson_nll_loss"] },
    [
      input,
      target,
      ["log_input", true],
      ["full", false],
      ["size_average", null],
      ["eps", 1e-8],
      ["reduce", null],
      ["reduction", "mean"],
    ],
    (a) => loss(a, "F.poisson_nll_loss", "elementwise"),
  );
  register(
    t,
    { F: ["gaussian_nll_loss"] },
    [input, target, ["var", REQUIRED], ["full", false], ["eps", 1e-6], ["reduction", "mean"]],
    (a) => loss(a, "F.gaussian_nll_loss", "elementwise"),
  );
  register(t, { F: ["multilabel_soft_margin_loss"] }, [input, target, ["weight", null], ...LEGACY], (a) =>
    loss(a, "F.multilabel_soft_margin_loss", "sample"),
  );
  register(
    t,
    { F: ["multi_margin_loss"] },
    [input, target, ["p", 1], ["margin", 1.0], ["weight", null], ...LEGACY],
    (a) => loss(a, "F.multi_margin_loss", "sample"),
  );
  const pairSig = (margin: number): Signature => [
    ["input1", REQUIRED],
    ["input2", REQUIRED],
    target,
    ["margin", margin],
    ...LEGACY,
  ];
  register(t, { F: ["cosine_embedding_loss"] }, pairSig(0), (a) =>
    loss(a, "F.cosine_embedding_loss", "sample", "input1", "input2"),
  );
  register(t, { F: ["margin_ranking_loss"] }, pairSig(0), (a) =>
    loss(a, "F.margin_ranking_loss", "elementwise", "input1", "input2"),
  );
  register(
    t,
    { F: ["triplet_margin_loss"] },
    [
      ["anchor", REQUIRED],
      ["positive", REQUIRED],
      ["negative", REQUIRED],
      ["margin", 1.0],
      ["p", 2],
      ["eps", 1e-6],
      ["swap", false],
      ...LEGACY,
    ],
    (a) => loss(a, "F.triplet_margin_loss", "sample", "anchor", "positive"),
  );
  register(
    t,
    { F: ["ctc_loss"] },
    [
      ["log_probs", REQUIRED],
      ["targets", REQUIRED],
      ["input_lengths", REQUIRED],
      ["target_lengths", REQUIRED],
      ["blank", 0],
      ["reduction", "mean"],
      ["zero_infinity", false],
    ],
    (a) => {
      // log_probs are (T, N, C) or unbatched (T, C): per-sample losses are (N) or a scalar.
      const x = shapeOf(a, "log_probs", "F.ctc_loss");
      const none = reductionOf(a, "F.ctc_loss") === "none";
      const out = !none ? [] : x === null ? null : x.length === 3 ? [x[1]!] : [];
      return { output: tensor(out, dtypeArg(a, "log_probs")), macs: 0 };
    },
  );
}
