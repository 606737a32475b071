// What the interpreter observed while running a script abstractly: the facts that run
// detection (run/) and the rules (rules/) read. Framework builtins append events; nothing
// here is computed from source text directly.
import type { Precision, Range } from "../types";

/** A dataset the script loads, from the dataset catalog or a directive. */
export interface DatasetInfo {
  /** Catalog id ("mnist", "cifar10", "imagenet-1k", "glue/sst2") or null when unrecognised. */
  name: string | null;
  /** Number of samples in this split, after random_split / Subset; null when unknown. */
  samples: number | null;
  /** Per-sample tensor shape after transforms (e.g. [3, 224, 224]); null when unknown. */
  sampleShape: number[] | null;
  split: "train" | "val" | "test" | null;
  /** Tokens per sample for text data (max_length / block_size), when known. */
  tokensPerSample: number | null;
  /** Where tokensPerSample came from, for the run's evidence ("BLOCK_SIZE = 512, texts regrouped…"). */
  tokensHow?: string;
  range: Range | null;
}

export interface LoaderInfo {
  dataset: DatasetInfo | null;
  batchSize: number | null;
  dropLast: boolean;
  numWorkers: number | null;
  pinMemory: boolean | null;
  range: Range;
  /** Set when a sampler, not the dataset, decides the samples per epoch: how they were read. */
  samplesHow?: string;
  /**
   * A DistributedSampler splits `dataset.samples` (the whole set) over the ranks: its num_replicas
   * when written (else the launcher's world size) and its own drop_last.
   */
  shard?: { replicas: number | null; samplerDropLast: boolean };
  /** Passed through accelerate's prepare(): sharded by whole batches over the processes (BatchSamplerShard). */
  accelerate?: boolean;
  /** A tf.data pipeline iterated by hand (no DataLoader workers: tf.data prefetches on its own). */
  kind?: "tf.data";
  /** The workspace file the DataLoader call is in, when not the analysed one (`range` is then the call into it). */
  builtIn?: string;
}

/**
 * What Keras fit draws from its x or validation_data per epoch. A tf.data dataset carries its own
 * batch (fit's batch_size and its default do not apply) and may never end (`.repeat()`).
 */
export interface FitData {
  /** Samples in one pass over the data; null when unknown or endless. */
  samples: number | null;
  /** The dataset's batch, or for arrays the batch_size argument (null = the library default). */
  batch: number | null;
  dataset: boolean;
  /** `.repeat()` with no count: a pass never ends. */
  infinite: boolean;
  /** steps_per_epoch / validation_steps: batches drawn per epoch / per validation pass. */
  steps: number | null;
}

/** One enclosing loop at the moment an event happened, innermost last. */
export interface LoopFrame {
  range: Range;
  /** Iterations of this loop when known (range(E) → E; a loader → batches per epoch). */
  tripCount: number | null;
  over: "range" | "loader" | "list" | "unknown";
  loader?: LoaderInfo;
  /** Name of the loop variable(s) as written ("epoch", "batch", "(x, y)"). */
  target: string;
  /**
   * Set on a list loop around a whole training (`for arch in ("resnet18", "resnet50")`, `for phase,
   * epochs in [("warmup", 2), ("main", 20)]`) whose items the interpreter traced one by one: which
   * pass this frame is (0-based), one frame object per pass, so a run can keep its own pass's events.
   */
  iteration?: number;
  /** The loop variable's value in that pass, as Python would print it, when short and known. */
  item?: string;
}

/** Inner-most function frames (name + def range) active when the event happened. */
export interface CallFrame {
  name: string;
  range: Range;
}

interface EventBase {
  range: Range;
  loops: LoopFrame[];
  frames: CallFrame[];
  /** True when inside `with torch.no_grad()` / `inference_mode()` / a @torch.no_grad function. */
  noGrad: boolean;
  /** Active autocast dtype, if any. */
  autocast: "fp16" | "bf16" | null;
}

export type TraceEvent =
  | (EventBase & { kind: "backward" })
  | (EventBase & { kind: "optimizerStep" })
  /** A model called on a tensor (`model(x)`, `model.forward(x)`); modelId matches ModelFacts.id. */
  | (EventBase & {
      kind: "forward";
      modelId: number;
      inputShape: number[] | null;
      /** Every parameter of the model had requires_grad=False at the call: autograd records no graph. */
      frozen?: boolean;
      /** The method called on a module without its own forward (`get_value`); absent for `model(x)`. */
      method?: string;
    })
  | (EventBase & { kind: "loader"; loader: LoaderInfo })
  /** `.half()`, `.double()`, `.to(torch.float64)`, `torch.set_default_dtype`, Keras policies, GradScaler. */
  | (EventBase & { kind: "precision"; precision: Precision; how: string; modelId: number | null })
  /**
   * A tensor (not a module) made float64: `x.double()`, `torch.tensor(d, dtype=torch.float64)`, or a
   * NumPy float64 array through `torch.from_numpy` / `torch.tensor`. Not a cost by itself (a float64
   * batch into a float32 model raises a dtype error); FP150's fix converts them with the model.
   * `maybe`: an array of a dtype the interpreter does not know became a tensor with that dtype.
   */
  | (EventBase & { kind: "tensorFloat64"; how: string; maybe?: boolean })
  /** `.cuda()`, `.to("cuda")`, `torch.device("cuda")`, DDP, `devices=` */
  | (EventBase & { kind: "device"; device: "gpu" | "cpu" | "tpu" | "mps"; count: number | null; how: string })
  | (EventBase & {
      kind: "kerasFit";
      modelId: number | null;
      epochs: number | null;
      batchSize: number | null;
      trainSamples: number | null;
      valSamples: number | null;
      callbacks: string[];
      /** The training data and validation data as fit sees them (steps, dataset batch, endless). */
      train?: FitData;
      val?: FitData | null;
      /** fit's initial_epoch: training runs epochs initial_epoch+1 … epochs (0 by default); null when unresolved. */
      initialEpoch?: number | null;
      /**
       * fit's validation_freq: validate after every k-th epoch (int) or after the listed 1-based epochs;
       * absent = every epoch, null = given but unresolved.
       */
      validationFreq?: number | number[] | null;
      /** fit also got `**kwargs` of unknown contents: what it leaves out is not the library default. */
      fitOpen?: string;
      /** The model's weights and trainable weights when this fit() ran (`base.trainable` may change later). */
      paramsAtFit?: { params: number; trainable: number };
      /**
       * The fit of a keras-tuner search: repeated once per trial (null: the trial count is unknown).
       * `epochs`: the search's total epochs when the tuner sets each trial's epochs itself (Hyperband),
       * replacing fit's; `hint`: how to make an unknown count known.
       */
      tuner?: { trials: number | null; how: string; epochs?: number; hint?: string };
    })
  | (EventBase & {
      kind: "hfTrainer";
      modelId: number | null;
      epochs: number | null;
      maxSteps: number | null;
      batchSize: number | null;
      gradientAccumulation: number | null;
      precision: Precision | null;
      trainSamples: number | null;
      tokensPerSample: number | null;
      /** Where tokensPerSample came from (DatasetInfo.tokensHow). */
      tokensHow?: string;
      evalEachEpoch: boolean;
      /** TrainingArguments(dataloader_drop_last=True): each process drops its last partial batch. Absent = False. */
      dropLast?: boolean;
      /** Rows of eval_dataset when the Trainer evaluates during training (eval_strategy epoch/steps). */
      evalSamples: number | null;
      /** eval_strategy="steps": optimizer steps between evaluations (eval_steps, else logging_steps, default 500). */
      evalSteps: number | null;
      /** eval_steps as a float in (0, 1): a ratio of the run's total optimizer steps. Absent = an integer. */
      evalStepsRatio?: number;
      /** TrainingArguments also got `**cfg` of unknown contents: what it leaves out is not the library default. */
      argsOpen?: string;
      /** An EarlyStoppingCallback may end training before its epochs / max_steps. Absent = none. */
      earlyStopping?: boolean;
      /** train(resume_from_checkpoint=...) as written: only the steps after the checkpoint run. Absent = fresh. */
      resumeFrom?: string;
      /** Rows of trainer.evaluate(...) / predict(...) calls on this Trainer, each run forward once. */
      extraEvalSamples?: number;
      /** Seq2SeqTrainer with predict_with_generate=True: evaluation generates with this many beams. */
      generateBeams?: number;
      /** generation_max_length / the labels' length when above 1: each beam may decode that much longer. */
      generateLengthRatio?: number;
      /** Models an overridden compute_loss runs besides the trained one each step (a distillation teacher). */
      forwardOnlyIds?: number[];
      /**
       * trl DPOTrainer: each sample is a chosen/rejected pair (two sequences through the policy and the
       * reference). refIsPolicy: no ref_model, so the reference is the policy's size again.
       */
      preference?: { refIsPolicy: boolean; how: string };
    })
  | (EventBase & {
      kind: "lightningFit";
      modelId: number | null;
      maxEpochs: number | null;
      maxSteps: number | null;
      precision: Precision | null;
      devices: number | null;
      accelerator: string | null;
      loader: LoaderInfo | null;
      /** `accumulate_grad_batches` (Lightning default 1). */
      accumulate: number | null;
      /** The validation loader Lightning runs (only when the module defines validation_step), after limit_val_batches. */
      valLoader: LoaderInfo | null;
      /** Validation passes per training epoch (check_val_every_n_epoch, val_check_interval). */
      valPerEpoch: number;
      /**
       * `check_val_every_n_epoch` above 1: validation runs only after epochs n, 2n, …, so a run of
       * E epochs validates floor(E / n) times; `valPerEpoch` averages that as 1/n. Absent = every epoch.
       */
      valEveryNEpochs?: number;
      /** Class names of the Trainer's callbacks ("EarlyStopping", ...). */
      callbacks: string[];
      /** `max_time` budget in hours and as written; fit stops when it runs out. */
      maxTime?: { hours: number; shown: string } | null;
      /** The Trainer also got `**cfg` of unknown contents: what it leaves out is not the library default. */
      trainerOpen?: string;
      /** fit(ckpt_path=...) as written: the run resumes there and trains only what is left. Absent = fresh. */
      resumeFrom?: string;
      /** Rows of trainer.validate / test / predict passes with this Trainer, each run forward once. */
      extraEvalSamples?: number;
    })
  /** `torch.save`, `model.save`, `torch.jit.script/trace`, `torch.onnx.export` for deployment rules. */
  | (EventBase & { kind: "save"; modelId: number | null; how: string })
  /** Hyperparameter search multiplier (Optuna n_trials, a loop over configs around a run). */
  | (EventBase & { kind: "sweep"; trials: number | null; how: string });

export type TraceEventKind = TraceEvent["kind"];
