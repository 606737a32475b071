// The analysis core's public data model: what every stage produces and every surface renders.
// Positions are 0-based lines and UTF-16 columns, the same convention as LSP, so the LSP layer
// converts nothing; the CLI adds 1 to lines when it prints.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = "error" | "warning" | "information" | "hint";

/** Something the analysis could not resolve, where, and what would resolve it. */
export interface Unknown {
  message: string;
  range: Range | null;
  /** e.g. "add `# footprint: input 3x224x224`" */
  hint?: string;
}

/** A low–high interval; every estimate downstream of an uncertain constant is one. */
export interface Interval {
  low: number;
  high: number;
}

/** One layer (module) of a model: its own parameters and its share of one forward pass. */
export interface LayerCost {
  /** Dotted module path as PyTorch names it: "features.0", "layer1.0.conv1". */
  path: string;
  /** Layer type: "Conv2d", "Linear", "Dense"... */
  type: string;
  /** Where the layer object was constructed in the source (null for zoo models). */
  range: Range | null;
  /** File that range refers to, when it is not the analysed file (a model imported from elsewhere). */
  file?: string;
  /** Parameters owned directly by this layer (not its children). Shared weights count once, at first owner. */
  params: number;
  trainableParams: number;
  /** Per-sample shapes (batch dimension dropped) of the first call; null when unknown. */
  inputShape: number[] | null;
  outputShape: number[] | null;
  /** Multiply-accumulates per sample summed over all calls in one forward; null when unknown. */
  macs: number | null;
  /** The part of `macs` run as convolutions, when any (PyTorch runs those in TF32 by default). */
  convMacs?: number;
  /**
   * MACs of products of weights alone (a LoRA merge `B @ A`, a factorised `U @ V.T`): run once per forward
   * call whatever the batch, so not in `macs`. Absent = none.
   */
  perCallMacs?: number;
  /** Times this layer ran in one forward pass (0 when the forward was not traced). */
  calls: number;
}

/** A model the script builds (an instance: `model = Net()`), with its cost. */
export interface ModelCost {
  /** Stable within one analysis; trace events refer to models by it. */
  id: number;
  /** Variable the instance is bound to (`model`), else the class name. */
  name: string;
  /** Class or factory name: "Net", "resnet50", "Sequential". */
  className: string;
  /** Where the instance is created. */
  range: Range;
  /** Where its class is defined, if in a workspace file. */
  definition: { file: string; range: Range } | null;
  framework: "pytorch" | "keras" | "transformers";
  params: number;
  trainableParams: number;
  /**
   * Set when `params` is not exact (`unknowns` says why). "lowerBound": some layer's size is unknown
   * (an argument the analysis could not resolve), so `params` counts the others. "approximate": a
   * layer's parameters are counted as built by default but the script changes them (a torchvision
   * builder keyword, a replaced inner layer).
   */
  paramsInexact?: "lowerBound" | "approximate";
  /**
   * Forward FLOPs per sample that run under activation checkpointing (torch.utils.checkpoint) and are
   * recomputed during backward: training pays them once more. Absent = none.
   */
  recomputedFlops?: number;
  /**
   * Forward FLOPs that do not depend on the input (products of parameters and buffers alone): run once per
   * forward call, whatever the batch, so not in `forwardFlops` (per sample). Absent = none.
   */
  perCallFlops?: number;
  /**
   * Trainable parameters of layers whose forward runs only under torch.no_grad inside the model's own
   * forward (a linear probe's encoder): they get no gradient, so training prices them as frozen. Absent = none.
   */
  noGradTrainableParams?: number;
  /**
   * Forward FLOPs per sample (part of `forwardFlops`) that the model's own forward runs under
   * torch.no_grad, such as a teacher inside a distillation wrapper: training runs them forward-only.
   * `noGradParams` are the parameters (trainable or not) of the layers run only there. Absent = none.
   */
  noGradFlops?: number;
  noGradParams?: number;
  /** Forward multiply-accumulates per sample; FLOPs are 2 × MACs. null when no input shape. */
  forwardMacs: number | null;
  forwardFlops: number | null;
  /** Per-sample input shape used for the forward trace, and where it came from. */
  inputShape: number[] | null;
  inputShapeSource: string | null;
  layers: LayerCost[];
  unknowns: Unknown[];
  /** The published checkpoint this model is (a Hugging Face name or a torchvision builder), when known. */
  pretrained?: PretrainedRef;
}

/** A catalogued checkpoint a script builds: which one, with which head, pretrained or from scratch. */
export interface PretrainedRef {
  hub: "huggingface" | "torchvision" | "keras";
  name: string;
  task: string;
  numLabels: number | null;
  /** Loaded with pretrained weights (a fine-tune), not built from its config. */
  weights: boolean;
  /** Encoder–decoders: the decoder (labels) length the forward was traced at, when it differs from the input's. */
  decoderTokens?: number;
  /** keras.applications: the constructor's head choice, which the alternative is built with too. */
  keras?: { includeTop: boolean; classes: number; pooling: string | null };
}

/** A smaller or distilled checkpoint for the same task (frameworks/zoo/data/alternatives.json), sized like the run's model. */
export interface SmallerModel {
  hub: "huggingface" | "torchvision" | "keras";
  from: string;
  to: string;
  params: number;
  trainableParams: number;
  forwardFlops: number;
  /** Published quality of both, e.g. "GLUE dev macro-score 79.5 → 77.0"; null where none is published side by side. */
  quality: string | null;
  source: string;
  /** torchvision: the weights enum of the alternative ("ResNet18_Weights.IMAGENET1K_V1"). */
  weights?: string;
}

export type Precision = "fp64" | "fp32" | "tf32" | "fp16-mixed" | "bf16-mixed" | "fp16" | "bf16" | "int8";

/** A detected training run, before pricing. */
export interface RunSpec {
  model: string | null;
  range: Range;
  framework: "pytorch" | "keras" | "transformers" | "lightning";
  epochs: number | null;
  maxSteps: number | null;
  trainSamples: number | null;
  valSamples: number | null;
  batchSize: number | null;
  gradientAccumulation: number;
  /** Tokens per sample for sequence models (max_length / block_size). */
  tokensPerSample: number | null;
  precision: Precision;
  /** Device the script names (`.cuda()`, `devices=4`, directive); null means "use settings". */
  device: { id: string | null; count: number | null; kind: "gpu" | "cpu" | "tpu" | "mps" } | null;
  /** Multiplier from hyperparameter sweeps (loops over configs, Optuna n_trials). */
  trials: number;
  /** Forward cost of the model per sample, and the trainable fraction (frozen parts skip weight grads). */
  forwardFlops: number | null;
  /** Forward FLOPs per model call that do not scale with the batch (ModelCost.perCallFlops); absent = none. */
  perCallFlops?: number;
  params: number | null;
  trainableParams: number | null;
  /**
   * Share of forward FLOPs in convolutions (0–1), from the model's layers. PyTorch runs fp32 convolutions
   * in TF32 on Ampere+ by default (cudnn.allow_tf32) but not matmuls, so pricing needs the split. Absent = unknown.
   */
  convFlopsShare?: number | null;
  /** DataLoader worker processes of the training loader (0 = loads in the training process); absent/null = unknown. */
  loaderWorkers?: number | null;
  /**
   * The DataLoader call the training draws its batches from (a loop's loader, Lightning's
   * train_dataloader() or fit's loader): FP170 prices a fix to that call. Absent/null = unknown.
   */
  trainLoader?: Range | null;
  evidence: string[];
  unknowns: Unknown[];
  /**
   * The item of the list loop around the whole training this run is one pass of, as Python prints
   * it (`"resnet18"`), when the loop's items are traced as separate runs. Absent = not such a pass.
   */
  pass?: string;
  /**
   * HF `eval_strategy="steps"`: `samples` evaluated every `steps` optimizer steps. The steps an
   * epoch has depend on the device count, known only when priced, so the evaluation total is
   * derived there (footprint/energyModel.ts sampleCounts) instead of from `valSamples`. Absent = none.
   */
  evalEverySteps?: {
    steps: number;
    samples: number;
    /** eval_steps given as a ratio (< 1) of the run's optimizer steps: every ceil(total × ratio) steps. */
    ratio?: number;
  } | null;
  /**
   * How one epoch's samples depend on the device count the run is priced on (DDP shards, each
   * process dropping its own last partial batch, HF's whole update steps); resolved in
   * footprint/epochPlan.ts. Absent: `trainSamples` per epoch whatever the devices.
   */
  epochShape?: EpochShape | null;
  /**
   * Whether a per-epoch evaluation also runs after a last epoch that a step budget cuts short
   * ("evaluated": HF's on_epoch_end follows the break; "skipped": the run leaves before it), and
   * where that was read. Absent: passes are spread in proportion to the epochs run.
   */
  epochEvalRule?: { partialEpoch: "evaluated" | "skipped"; how: string } | null;
  /**
   * Samples run forward once outside the training schedule (HF trainer.evaluate / predict, Lightning
   * trainer.validate / test / predict), added to the evaluation total. Absent = none.
   */
  extraEvalSamples?: { samples: number; how: string } | null;
  /**
   * Forward passes one evaluation sample costs, as a range, when evaluation is more than one forward
   * (Seq2SeqTrainer predict_with_generate: generate() plus the loss forward). Absent = exactly 1.
   */
  evalForwards?: { low: number; high: number } | null;
  /**
   * Forward FLOPs per evaluation sample when they differ from `forwardFlops`: the evaluation loop
   * calls one model or part (a distilled student alone, a GAN's generator) while `forwardFlops`
   * sums what a training step runs (teachers and no-grad parts folded in at a third). Absent = `forwardFlops`.
   */
  evalForwardFlops?: number | null;
  /**
   * Forward-only calls of the trained model outside its training step, per trial (an RL policy
   * acting on `num_envs` observations every environment step of a rollout, periodic evaluation on
   * batches the script makes): their FLOPs at 1× forward, the model calls (each a dispatch in the
   * step floor) and the samples they run on. Absent = none priced.
   */
  forwardOnly?: { flops: number; calls: number; samples: number } | null;
  /**
   * Wall-clock budget in hours (Lightning max_time): the run's time is capped at it. With no epoch or
   * step limit besides it, the run lasts exactly that long. Absent/null = no budget.
   */
  maxTimeHours?: number | null;
  /** A smaller catalogued alternative to the trained checkpoint, priced as a what-if and by rule FP130. */
  smallerModel?: SmallerModel;
}

/** The data-loading facts that decide an epoch's samples per process (RunSpec.epochShape). */
export interface EpochShape {
  /** Samples in one pass over the whole dataset. */
  dataset: number;
  /** Batch per process. */
  batch: number;
  /** The DataLoader's drop_last: each process drops its own last partial batch. */
  dropLast: boolean;
  /**
   * How processes split the data: `sampler` = torch DistributedSampler (each rank gets ceil(N / W)
   * samples, padded, or floor(N / W) with the sampler's own drop_last); `batches` = accelerate's
   * BatchSamplerShard (whole batches dealt round-robin, even_batches); `none` = one process's view.
   */
  shard: "sampler" | "batches" | "none";
  /** DistributedSampler(drop_last=True). */
  samplerDropLast?: boolean;
  /** num_replicas written in the script; absent = the priced device count. */
  replicas?: number;
  /** HF Trainer: an epoch is max(1, floor(batches / accumulation)) optimizer steps. */
  wholeUpdates?: boolean;
  /** Where the shape was read, for the assumption text. */
  how: string;
}

export interface Assumption {
  name: string;
  value: string;
  source: "script" | "directive" | "setting" | "project" | "default";
  citation?: string;
}

export interface WhatIf {
  id: string;
  title: string;
  timeHours: Interval | null;
  energyKWh: Interval | null;
  co2eKg: Interval | null;
  /** Relative change of CO2e vs the baseline, midpoint (−0.45 = 45% less; equals the energy change unless the grid changes). */
  saving: number | null;
  note?: string;
}

/** A priced training run. */
export interface RunEstimate {
  spec: RunSpec;
  trainFlops: Interval | null;
  /** Which formula priced it: "3×forward×samples×epochs", "6×params×tokens", ... */
  method: string | null;
  timeHours: Interval | null;
  energyKWh: Interval | null;
  co2eKg: Interval | null;
  deviceName: string;
  deviceCount: number;
  assumptions: Assumption[];
  whatIfs: WhatIf[];
  /** Serving the trained model (per INFERENCE_VOLUME forward passes); null when its forward FLOPs are unknown. */
  inference?: InferenceEstimate | null;
  unknowns: Unknown[];
}

/** One way to serve the trained model, priced for the estimate's volume of forward passes. */
export interface InferenceOption {
  id: string;
  title: string;
  device: string;
  precision: Precision;
  energyKWh: Interval;
  co2eKg: Interval;
  joulesPerInference: Interval;
  note: string;
}

/** Serving cost of a run's model: the training device at its precision, int8 there, and a low-power int8 target. */
export interface InferenceEstimate {
  inferences: number;
  forwardFlops: number;
  options: InferenceOption[];
  /** Targets left out, with why ("3.5 GB of int8 weights ..."). */
  notOffered: string[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Finding {
  /** Stable rule code: "FP100". */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
}

export interface FileAnalysis {
  path: string;
  models: ModelCost[];
  runs: RunEstimate[];
  findings: Finding[];
  /** Ranges of ERROR/MISSING nodes: the analysis still ran on the rest. */
  syntaxErrors: Range[];
  /** File-level notes: budget exhausted, file too large, not Python... */
  notices: string[];
  /**
   * What the script run could not resolve outside any model or run (an unsized dataset on disk, a
   * function missing from the torch tables, an import that does not resolve), each with its line.
   */
  unknowns?: Unknown[];
  /** Interpreter steps used, for budgets and benchmarks. */
  steps: number;
}
