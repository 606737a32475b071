// Hugging Face `TrainingArguments` / `Trainer` (and Seq2SeqTrainer, trl's SFTTrainer): the
// arguments become a native object; `trainer.train()` records one `hfTrainer` event with the
// schedule, precision and the train dataset's size and tokens per sample, and runs a torch model
// once on a batch of that dataset so its forward FLOPs are traced like any script input.
import type { Node } from "web-tree-sitter";
import { callModule } from "../torch/moduleCall";
import { callValue } from "../../evaluate/calls/call";
import { lookupClassAttr } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { fn, nativeObject } from "../../evaluate/nativeHelpers";
import type { DatasetInfo, TraceEvent } from "../../evaluate/trace";
import {
  asInt,
  asNumber,
  asString,
  type Kw,
  NONE,
  type NativeV,
  openKw,
  tensor,
  truthy,
  unknown,
  type Value,
} from "../../evaluate/values";
import type { Precision } from "../../types";
import { trainerDeepSpeed } from "../deepspeed/trainerConfig";
import { datasetOf } from "../torch/data";
import { computeLossForwards } from "./computeLoss";
import { getPeftModel } from "./peftLora";
import { dpoDataset, dpoReference } from "./trlPreference";
import { enableGradientCheckpointing, type HfModelInfo, hfInfoOf } from "./hfModel";
import { defaultTokens } from "./hfZoo";
import { sftDataset } from "./sftData";

/** Arguments a run needs, as the script set them (null = left at the library default). */
export interface HfArgs {
  epochs: number | null;
  maxSteps: number | null;
  batchSize: number | null;
  gradientAccumulation: number | null;
  precision: Precision | null;
  evalStrategy: string | null;
  useCpu: boolean;
  kw: Kw;
  /** `**cfg` of unknown contents passed too: the arguments left out may be set there, not defaulted. */
  open?: string;
}

const flag = (kw: Kw, name: string) => truthy(kw.get(name) ?? NONE) === true;

/** TrainingArguments(...) / Seq2SeqTrainingArguments(...) / trl SFTConfig(...). */
export function readTrainingArgs(kw: Kw): HfArgs {
  // tf32=True turns on TF32 matmuls and convolutions for the fp32 math (transformers docs,
  // TrainingArguments.tf32: "Whether to enable the TF32 mode, available in Ampere and newer GPU architectures").
  const precision: Precision | null = flag(kw, "bf16")
    ? "bf16-mixed"
    : flag(kw, "fp16")
      ? "fp16-mixed"
      : flag(kw, "tf32")
        ? "tf32"
        : null;
  return {
    epochs: asNumber(kw.get("num_train_epochs")),
    maxSteps: asInt(kw.get("max_steps")),
    batchSize: asInt(kw.get("per_device_train_batch_size") ?? kw.get("per_gpu_train_batch_size")),
    gradientAccumulation: asInt(kw.get("gradient_accumulation_steps")),
    precision,
    evalStrategy: asString(kw.get("eval_strategy") ?? kw.get("evaluation_strategy")),
    useCpu: flag(kw, "use_cpu") || flag(kw, "no_cuda"),
    kw,
    ...(openKw(kw) ? { open: openKw(kw) } : {}),
  };
}

export function trainingArgsClass(name: string): Value {
  return fn(`transformers.${name}`, (ip, _a, kw, node) => {
    const a = readTrainingArgs(kw);
    trainerDeepSpeed(ip, a, node);
    // fsdp="full_shard auto_wrap" (or a list): sharded across the processes torchrun / accelerate launch starts.
    const fsdp = kw.get("fsdp");
    if (fsdp && truthy(fsdp) === true)
      ip.event({ kind: "device", device: "gpu", count: null, how: "TrainingArguments(fsdp=...)" }, node);
    return nativeObject(`transformers.${name}`, { hfArgs: a }, {}, (_me, attr) => kw.get(attr));
  });
}

/** The model a Trainer trains: its ModelCost id when it is a torch module or a zoo model. */
function modelIdOf(v: Value | undefined): number | null {
  if (v?.k === "instance" && v.mod) return v.mod.id;
  if (v?.k === "native" && typeof v.data.modelId === "number") return v.data.modelId;
  return null;
}

/**
 * Runs a torch model once on one sample of the train dataset, as the Trainer's collated batch
 * (`model(**batch)`): tensors whose name the forward accepts go positionally in its order.
 */
function traceOnBatch(
  ip: Interp,
  model: Value,
  ds: { info: DatasetInfo; sample: Value } | null,
  node: Node | null,
): void {
  if (model.k !== "instance" || !model.mod || ip.observedInputs.has(model.mod)) return;
  const hf = hfInfoOf(model);
  if (hf) {
    traceHfOnBatch(ip, model, hf, ds, node);
    return;
  }
  if (!ds) return;
  const fwd = lookupClassAttr(model.cls, "forward");
  if (fwd?.k !== "func") return;
  const cols = new Map<string, Value>();
  if (ds.sample.k === "dict")
    for (const [k, v] of ds.sample.map.values()) if (k.k === "str" && v.k === "tensor" && v.shape) cols.set(k.v, v);
  const params = fwd.params.slice(1).map((p) => p.name);
  const args: Value[] = [];
  for (const p of params) {
    const col = cols.get(p) ?? (p === "labels" ? cols.get("label") : undefined);
    if (!col || col.k !== "tensor" || !col.shape) break;
    const t = tensor([1, ...col.shape], col.dtype);
    t.origin = `train_dataset ${ds.info.name ?? ""} (${col.shape.join("×")} per sample)`.replace("  ", " ");
    args.push(t);
  }
  if (args.length > 0) callModule(ip, model, args, new Map(), node);
}

/**
 * A catalogued checkpoint under a Trainer: one batch-1 sequence of the dataset's tokens per sample
 * (max_length / block_size), else the checkpoint's maximum length, stated as an assumption.
 */
function traceHfOnBatch(
  ip: Interp,
  model: Extract<Value, { k: "instance" }>,
  hf: HfModelInfo,
  ds: { info: DatasetInfo; sample: Value } | null,
  node: Node | null,
): void {
  let tokens = ds?.info.tokensPerSample ?? null;
  let origin = `train_dataset ${ds?.info.name ?? ""} (${tokens} tokens per sample)`.replace("  ", " ");
  if (tokens === null) {
    tokens = defaultTokens(hf.sized.row);
    origin = `${hf.sized.row.id}'s maximum length, ${tokens} tokens (assumed: the script's sequence length is unknown)`;
    if (hf.sized.row.family !== "vit")
      ip.note(
        `sequence length unknown: ${hf.sized.row.id} priced at its maximum of ${tokens} tokens per sample`,
        node,
        "pass max_length= to the tokenizer (truncation=True, padding='max_length') or group texts into block_size chunks",
      );
  }
  const t = tensor([1, tokens], "int64");
  t.origin = origin;
  // Seq2seq: the decoder runs on the labels column's length when the preprocessing fixed it.
  const kw = new Map<string, Value>();
  const labels =
    ds?.sample.k === "dict"
      ? [...ds.sample.map.values()].find(([k]) => k.k === "str" && k.v === "labels")?.[1]
      : undefined;
  if (labels?.k === "tensor" && labels.shape?.length === 1 && labels.shape[0] !== tokens)
    kw.set("labels", tensor([1, labels.shape[0]], "int64"));
  callModule(ip, model, [t], kw, node);
}

function emitRun(
  ip: Interp,
  trainerKw: Kw,
  node: Node | null,
  sweepTrials: number | null,
  sft = false,
  resumeFrom: string | null = null,
  seq2seq = false,
  pySelf?: Value,
  dpo = false,
): Value {
  const argsV = trainerKw.get("args");
  const a: HfArgs | null = argsV?.k === "native" ? ((argsV.data.hfArgs as HfArgs | undefined) ?? null) : null;
  let model = trainerKw.get("model") ?? NONE;
  const init = trainerKw.get("model_init");
  if (model.k === "none" && init) model = callValue(ip, init, [], new Map(), node);
  const rows = datasetOf(ip, trainerKw.get("train_dataset"), node);
  const hf = model.k === "instance" ? hfInfoOf(model) : null;
  const ds = sft
    ? sftDataset(ip, rows, a?.kw ?? null, trainerKw, hf ?? null, node)
    : dpo
      ? dpoDataset(rows, a?.kw ?? null, hf ?? null)
      : rows;
  if (!trainerKw.get("train_dataset"))
    ip.note("Trainer without train_dataset: the training samples are unknown", node, "add `# footprint: samples N`");
  // Trainer.train() calls model.gradient_checkpointing_enable() when the arguments ask for it.
  if (a && flag(a.kw, "gradient_checkpointing")) enableGradientCheckpointing(model);
  traceOnBatch(ip, model, ds, node);
  const teachers = computeLossForwards(ip, pySelf, model, ds, node);
  const reference = dpo ? dpoReference(ip, trainerKw, a?.kw ?? null, node) : null;
  if (reference?.ref) {
    traceOnBatch(ip, reference.ref, ds, node);
    const id = modelIdOf(reference.ref);
    if (id !== null && id !== modelIdOf(model)) teachers.push(id);
  }
  if (sweepTrials !== null)
    ip.event({ kind: "sweep", trials: sweepTrials, how: "Trainer.hyperparameter_search(n_trials)" }, node);
  ip.event(
    {
      kind: "device",
      device: a?.useCpu ? "cpu" : "gpu",
      count: null,
      how: a?.useCpu ? "TrainingArguments(use_cpu=True)" : "transformers Trainer (uses the GPU when one is present)",
    },
    node,
  );
  ip.event(
    {
      kind: "hfTrainer",
      modelId: modelIdOf(model),
      epochs: a?.epochs ?? null,
      maxSteps: a?.maxSteps ?? null,
      batchSize: a?.batchSize ?? null,
      gradientAccumulation: a?.gradientAccumulation ?? null,
      precision: a?.precision ?? null,
      trainSamples: ds?.info.samples ?? null,
      tokensPerSample: ds?.info.tokensPerSample ?? null,
      tokensHow: ds?.info.tokensHow,
      evalEachEpoch: a?.evalStrategy === "epoch" && !!trainerKw.get("eval_dataset"),
      ...(a && flag(a.kw, "dataloader_drop_last") ? { dropLast: true } : {}),
      ...(a?.open ? { argsOpen: a.open } : {}),
      ...(stopsEarly(trainerKw.get("callbacks")) ? { earlyStopping: true } : {}),
      ...(resumeFrom !== null ? { resumeFrom } : {}),
      ...(seq2seq && a && flag(a.kw, "predict_with_generate")
        ? {
            generateBeams: Math.max(1, asInt(a.kw.get("generation_num_beams") ?? NONE) ?? 1),
            ...generationLength(a.kw, ds?.sample),
          }
        : {}),
      ...evaluation(ip, a, trainerKw, node),
      ...(teachers.length > 0 ? { forwardOnlyIds: teachers } : {}),
      ...(reference ? { preference: { refIsPolicy: reference.ref === null, how: reference.how } } : {}),
    },
    node,
  );
  return nativeObject("TrainOutput", {}, {}, (_me, name) =>
    name === "global_step" || name === "training_loss" || name === "metrics"
      ? unknown(`${name} of the run`)
      : undefined,
  );
}

/**
 * generation_max_length against the labels' tokenized length: generate() may decode that many
 * tokens per beam, each a decoder step, where the loss forward decodes the labels' length once.
 */
function generationLength(kw: Kw, sample: Value | undefined): { generateLengthRatio?: number } {
  const max = asInt(kw.get("generation_max_length") ?? NONE);
  const labels =
    sample?.k === "dict" ? [...sample.map.values()].find(([k]) => k.k === "str" && k.v === "labels")?.[1] : undefined;
  const len = labels?.k === "tensor" && labels.shape?.length === 1 ? labels.shape[0] : null;
  return max !== null && len !== null && len > 0 && max > len ? { generateLengthRatio: max / len } : {};
}

/**
 * Evaluation during training: eval_dataset's rows, and for eval_strategy="steps" the optimizer steps
 * between evaluations — eval_steps, else logging_steps, whose default is 500 (TrainingArguments docs).
 * A float eval_steps in (0, 1) is "a ratio of total training steps" (TrainingArguments docs; Trainer
 * sets eval_steps = ceil(max_steps × ratio)), so it travels as a ratio to be resolved when priced.
 */
function evaluation(
  ip: Interp,
  a: HfArgs | null,
  trainerKw: Kw,
  node: Node | null,
): { evalSamples: number | null; evalSteps: number | null; evalStepsRatio?: number } {
  const strategy = a?.evalStrategy ?? null;
  const evalDs = trainerKw.get("eval_dataset");
  if (!a || !evalDs || (strategy !== "epoch" && strategy !== "steps")) return { evalSamples: null, evalSteps: null };
  const samples = datasetOf(ip, evalDs, node)?.info.samples ?? null;
  if (samples === null)
    ip.note(
      "eval_dataset of unknown size: evaluation during training is not priced",
      node,
      "add `# footprint: samples N` for the training set; evaluation is a forward pass per row",
    );
  if (strategy === "epoch") return { evalSamples: samples, evalSteps: null };
  const steps = a.kw.get("eval_steps") ?? a.kw.get("logging_steps");
  const ratio = steps?.k === "num" && !steps.int && steps.v > 0 && steps.v < 1 ? steps.v : null;
  if (ratio !== null) return { evalSamples: samples, evalSteps: null, evalStepsRatio: ratio };
  const every = steps === undefined || steps.k === "none" ? 500 : asInt(steps);
  return { evalSamples: samples, evalSteps: every !== null && every > 0 ? every : null };
}

/**
 * train(resume_from_checkpoint=...): a path or True (the last checkpoint in output_dir) resumes
 * there (transformers docs, Trainer.train); None / False / absent starts fresh. Returned as written.
 */
export function resumeArg(v: Value | undefined): string | null {
  if (!v || v.k === "none" || (v.k === "bool" && !v.v)) return null;
  if (v.k === "str") return JSON.stringify(v.v);
  if (v.k === "bool") return "True";
  return "a checkpoint chosen at run time";
}

function callbackItems(v: Value | undefined): Value[] {
  return v && (v.k === "list" || v.k === "tuple") ? v.items : v && v.k !== "none" ? [v] : [];
}

/**
 * EarlyStoppingCallback (or a user subclass) among the Trainer's callbacks: it sets
 * control.should_training_stop once the metric has not improved for early_stopping_patience
 * evaluations (transformers docs, EarlyStoppingCallback), so the schedule is an upper bound.
 */
function stopsEarly(v: Value | undefined): boolean {
  return callbackItems(v).some((c) =>
    /EarlyStopping/.test(c.k === "native" ? c.type : c.k === "instance" ? c.cls.name : ""),
  );
}

/** Trainer / Seq2SeqTrainer / SFTTrainer / DPOTrainer: keyword or positional (model, args, data_collator, train_dataset, eval_dataset). */
export function trainerClass(name: string): Value {
  return fn(`transformers.${name}`, (ip, args, kw, node) => {
    const all = new Map(kw);
    // DPOTrainer(model, ref_model, args, data_collator, train_dataset, eval_dataset, ...).
    const order =
      name === "DPOTrainer"
        ? ["model", "ref_model", "args", "data_collator", "train_dataset", "eval_dataset"]
        : ["model", "args", "data_collator", "train_dataset", "eval_dataset"];
    order.forEach((k, i) => {
      if (!all.has(k) && args[i]) all.set(k, args[i]);
    });
    // trl's SFTTrainer(peft_config=LoraConfig(...)) wraps the model itself: get_peft_model(model, peft_config)
    // in its __init__ (trl docs, SFTTrainer: peft_config), so the base is frozen and adapters train.
    const peft = all.get("peft_config");
    if ((name === "SFTTrainer" || name === "DPOTrainer") && peft && peft.k !== "none" && all.get("model"))
      all.set("model", getPeftModel(ip, [all.get("model")!, peft], new Map(), node));
    // evaluate() / predict() run the model forward over their rows once, before or after train():
    // the rows join this Trainer's run (pending until train() records it).
    let run: Extract<TraceEvent, { kind: "hfTrainer" }> | null = null;
    let pending = 0;
    const onePass = (ip: Interp, ds: Value | undefined, what: string, node: Node | null) => {
      const rows = ds && ds.k !== "none" ? (datasetOf(ip, ds, node)?.info.samples ?? null) : null;
      if (rows === null) {
        ip.note(`trainer.${what} on a dataset of unknown size: that pass is not priced`, node);
        return;
      }
      if (run) run.extraEvalSamples = (run.extraEvalSamples ?? 0) + rows;
      else pending += rows;
    };
    const train = (ip: Interp, node: Node | null, sweep: number | null, resume: string | null) => {
      const before = ip.trace.length;
      const pySelf = self.data.pySelf as Value | undefined;
      const out = emitRun(
        ip,
        all,
        node,
        sweep,
        name === "SFTTrainer",
        resume,
        name === "Seq2SeqTrainer",
        pySelf,
        name === "DPOTrainer",
      );
      const ev = ip.trace.length > before ? ip.trace.at(-1) : undefined;
      if (ev?.kind === "hfTrainer") {
        run = ev;
        if (pending > 0) ev.extraEvalSamples = pending;
        pending = 0;
      }
      return out;
    };
    const self: NativeV = nativeObject(
      `transformers.${name}`,
      { kw: all },
      {
        train: (ip, _me, a, kw2, node) => train(ip, node, null, resumeArg(kw2.get("resume_from_checkpoint") ?? a[0])),
        hyperparameter_search: (ip, _me, _a, kw2, node) =>
          // transformers docs: n_trials defaults to 20.
          train(ip, node, asInt(kw2.get("n_trials")) ?? 20, null),
        evaluate(ip, _me, a, kw2, node) {
          // Trainer.evaluate(eval_dataset=None): None evaluates the Trainer's own eval_dataset.
          onePass(ip, kw2.get("eval_dataset") ?? a[0] ?? all.get("eval_dataset"), "evaluate", node);
          return unknown("evaluation metrics", node);
        },
        predict(ip, _me, a, kw2, node) {
          onePass(ip, kw2.get("test_dataset") ?? a[0], "predict", node);
          return unknown("predictions", node);
        },
        save_model(ip, _me, _a, _kw, node) {
          ip.event({ kind: "save", modelId: modelIdOf(all.get("model")), how: "Trainer.save_model" }, node);
          return NONE;
        },
        push_to_hub: () => NONE,
        add_callback(_ip, _me, [cb]) {
          // trainer.add_callback(EarlyStoppingCallback(...)) joins the callbacks= list for train().
          if (cb) all.set("callbacks", { k: "list", items: [...callbackItems(all.get("callbacks")), cb] });
          return NONE;
        },
        log_metrics: () => NONE,
        save_metrics: () => NONE,
        save_state: () => NONE,
      },
      (_me, attr) =>
        attr === "model" ? (all.get("model") ?? NONE) : attr === "args" ? (all.get("args") ?? NONE) : undefined,
    );
    return self;
  });
}
