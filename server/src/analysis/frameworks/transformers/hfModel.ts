// A catalogued Hugging Face checkpoint as a torch module tree: children at transformers' own paths
// (`bert.encoder.layer.3`, `classifier`, `model.layers.31`) carry their exact parameter counts, so
// freezing (`requires_grad = False`, `requires_grad_`) and peft's adapters act on the real shape of
// the model, and the forward charges the family's MACs for the sequence length it is given.
import type { Node } from "web-tree-sitter";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { nativeObject } from "../../evaluate/nativeHelpers";
import { asInt, builtin, type ClassV, type InstanceV, int, NONE, unknown, type Value } from "../../evaluate/values";
import { attachModuleState } from "../torch/moduleAttrs";
import { makeParam, type ModuleState, namedParameters } from "../torch/moduleState";
import { torchRoot } from "../torch/package";
import { forwardMacs, type HfBlock, type HfPiece } from "./hfArch";
import { configValue } from "./hfConfigFields";
import { defaultTokens, type HfSized } from "./hfZoo";
import type { PretrainedRequest } from "./pretrained";

/** What an HF module tree stands for; LoRA adapters added by peft are recorded here too. */
export interface HfModelInfo {
  req: PretrainedRequest;
  sized: HfSized;
  /**
   * LoRA adapters' MACs per token of the part they sit in (r × (in + out) per wrapped linear), so each
   * runs on its own token stream: Whisper's 1500 encoder frames, the decoder's labels, a pooler's one token.
   */
  lora: Array<{ part: HfPiece | HfBlock; macsPerToken: number }>;
  /** Decoder (labels) length of the traced forward of an encoder–decoder, when it differs from the input's. */
  decoderTokens?: number;
  /** Where each piece/block of the breakdown lives in the tree, for per-layer MACs. */
  slots: Array<{ mod: ModuleState; part: HfPiece | HfBlock }>;
  /**
   * `model.gradient_checkpointing_enable()` or `TrainingArguments(gradient_checkpointing=True)`:
   * transformers wraps each layer of the encoder/decoder stacks in torch.utils.checkpoint, so their
   * forward runs again in backward (embeddings and heads are not checkpointed).
   */
  gradientCheckpointing?: boolean;
}

const INFO = new WeakMap<ModuleState, HfModelInfo>();

export function hfStateInfo(m: ModuleState): HfModelInfo | undefined {
  return INFO.get(m);
}

/** Turns on gradient checkpointing for an HF model (a no-op for anything else); true when it was one. */
export function enableGradientCheckpointing(v: Value | undefined): boolean {
  const info = hfInfoOf(v);
  if (info) info.gradientCheckpointing = true;
  return !!info;
}

/**
 * resize_token_embeddings(new_num_tokens): the input embedding (and an untied output layer) get
 * new_num_tokens rows. The model stays sized at the checkpoint's vocabulary; a different or unknown
 * count is said, with the parameters it moves ((N − V) × hidden per resized table).
 */
function resizeNote(ip: Interp, self: Value | undefined, n: Value | undefined, node: Node | null): Value {
  const info = hfInfoOf(self);
  if (!info) return NONE;
  const { vocab, hidden } = info.sized.row.config as { vocab?: number; hidden?: number };
  const rows = asInt(n ?? NONE);
  if (vocab === undefined || rows === vocab || !n || n.k === "none") return NONE;
  ip.note(
    rows === null
      ? `resize_token_embeddings to a size known at run time (len(tokenizer)): the model is sized at ${info.sized.row.id}'s ${vocab}-token vocabulary, off by (new rows) × ${hidden ?? "hidden"} per resized table`
      : `resize_token_embeddings(${rows}): the model is sized at ${info.sized.row.id}'s ${vocab}-token vocabulary, ${Math.abs(rows - vocab)} rows × ${hidden ?? "hidden"} per resized table ${rows > vocab ? "fewer" : "more"} than it will have`,
    node,
  );
  return NONE;
}

export function hfInfoOf(v: Value | undefined): HfModelInfo | undefined {
  return v?.k === "instance" && v.mod ? INFO.get(v.mod) : undefined;
}

function newModule(ip: Interp, cls: ClassV, node: Node | null): InstanceV {
  const inst: InstanceV = { k: "instance", cls, attrs: new Map(), mod: null };
  attachModuleState(ip, inst, node);
  return inst;
}

export function buildHfModel(ip: Interp, req: PretrainedRequest, sized: HfSized, node: Node | null): InstanceV {
  torchRoot(ip); // the module registry exists from here on, even in a script that never imports torch
  const reg = ip.torch!;
  const classes = new Map<string, ClassV>();
  const blockClass = (name: string) => {
    let c = classes.get(name);
    if (!c)
      classes.set(name, (c = makeClass(name, [reg.moduleClass], new Map(), { qualname: `transformers.${name}` })));
    return c;
  };
  const methods = new Map<string, Value>([
    ["forward", builtin(`${req.className}.forward`, hfForward)],
    [
      "gradient_checkpointing_enable",
      builtin("gradient_checkpointing_enable", (_ip, [self]) => {
        enableGradientCheckpointing(self);
        return NONE;
      }),
    ],
    [
      "resize_token_embeddings",
      builtin("resize_token_embeddings", (ip2, [self, n], kw, node2) =>
        resizeNote(ip2, self, kw.get("new_num_tokens") ?? n, node2),
      ),
    ],
    ["tie_weights", builtin("tie_weights", () => NONE)],
    // WhisperForConditionalGeneration.freeze_encoder(): the audio encoder's parameters stop training.
    [
      "freeze_encoder",
      builtin("freeze_encoder", (ip2, [self], _kw, n) => {
        const enc = self?.k === "instance" && self.mod ? encoderOf(self.mod) : null;
        if (enc) for (const [, p] of namedParameters(enc)) p.requiresGrad = false;
        else ip2.note(`${req.className}.freeze_encoder(): no encoder in this model, so nothing is frozen`, n);
        return NONE;
      }),
    ],
    ["push_to_hub", builtin("push_to_hub", () => NONE)],
    ["generate", builtin("generate", (_ip, _a, _kw, n) => unknown("generated tokens", n))],
    [
      "save_pretrained",
      builtin("save_pretrained", (ip2, [self], _kw, n) => {
        ip2.event(
          { kind: "save", modelId: self?.k === "instance" && self.mod ? self.mod.id : null, how: "save_pretrained" },
          n,
        );
        return NONE;
      }),
    ],
    [
      "num_parameters",
      builtin("num_parameters", (_ip, [self], kw) => {
        const only = kw.get("only_trainable");
        const ps = self?.k === "instance" && self.mod ? namedParameters(self.mod) : [];
        const on = only?.k === "bool" && only.v;
        return int(ps.reduce((a, [, p]) => a + (on && !p.requiresGrad ? 0 : p.numel), 0));
      }),
    ],
    // peft's PeftModel method; the counts are in the model's report.
    ["print_trainable_parameters", builtin("print_trainable_parameters", () => NONE)],
  ]);
  const root = newModule(
    ip,
    makeClass(req.className, [reg.moduleClass], methods, { qualname: `transformers.${req.className}` }),
    node,
  );
  const cfg = sized.row.config;
  root.attrs.set(
    "config",
    nativeObject("PretrainedConfig", {}, {}, (_me, name) => {
      const v = name === "num_labels" ? sized.breakdown.numLabels : configValue(cfg, name);
      return v !== undefined ? int(v) : undefined;
    }),
  );
  const slots: HfModelInfo["slots"] = [];
  const at = (path: string[], leafType?: string): InstanceV => {
    let cur = root;
    for (const [i, seg] of path.entries()) {
      let next = cur.mod!.children.get(seg);
      if (!next) {
        next = newModule(ip, blockClass(i === path.length - 1 && leafType ? leafType : seg), node);
        cur.mod!.children.set(seg, next);
      }
      cur = next;
    }
    return cur;
  };
  const addParam = (m: InstanceV, n: number, trainable = true) => {
    if (n <= 0) return;
    const name = m.mod!.params.has("weight") ? `weight_${m.mod!.params.size}` : "weight";
    m.mod!.params.set(name, makeParam([n], trainable));
  };
  // A classification head whose label count the script computes from data: counted at the default
  // count and flagged approximate, naming the keyword, rather than printed as exact.
  const labelsProblem =
    req.labelsUnread && LABELLED.has(sized.breakdown.task)
      ? `${req.labelsUnread}= is not known (built from data the analyzer cannot read); the head is counted at ${sized.breakdown.numLabels} labels`
      : null;
  for (const p of sized.breakdown.pieces) {
    const m = at(p.path, p.type);
    addParam(m, p.params, !p.frozen);
    if (labelsProblem && p.head) m.mod!.paramProblem = labelsProblem;
    slots.push({ mod: m.mod!, part: p });
  }
  for (const b of sized.breakdown.blocks) {
    const parent = at(b.path.slice(0, -1));
    const list = newModule(ip, reg.containers.ModuleList, node);
    parent.mod!.children.set(b.path[b.path.length - 1], list);
    for (let i = 0; i < (b.shared ? 1 : b.count); i++) {
      const layer = newModule(ip, blockClass(layerClass(sized.row.family, b.path)), node);
      addParam(layer, b.paramsEach + (i === 0 ? (b.firstExtra ?? 0) : 0));
      list.mod!.children.set(String(i), layer);
    }
    slots.push({ mod: list.mod!, part: b });
  }
  // `model.base_model` is the body under a task head (`model.bert`, `model.transformer`), or the model itself.
  const prefix = sized.breakdown.prefix;
  root.attrs.set("base_model", (prefix && root.mod!.children.get(prefix)) || root);
  INFO.set(root.mod!, { req, sized, lora: [], slots });
  return root;
}

/** The encoder stack of an encoder–decoder (`model.encoder`), if the tree has one. */
function encoderOf(root: ModuleState): ModuleState | null {
  const base = root.children.get("model")?.mod ?? root;
  return base.children.get("encoder")?.mod ?? null;
}

/** Heads whose size follows num_labels. */
const LABELLED = new Set(["sequence-classification", "token-classification", "image-classification"]);

/** transformers' class of one repeated layer, as its modeling file names it (shown in layer tables). */
function layerClass(family: string, path: string[]): string {
  const side = path.includes("decoder") ? "Decoder" : "Encoder";
  const names: Record<string, string> = {
    bert: "BertLayer",
    roberta: "RobertaLayer",
    distilbert: "TransformerBlock",
    albert: "AlbertLayerGroup",
    "deberta-v2": "DebertaV2Layer",
    vit: "ViTLayer",
    gpt2: "GPT2Block",
    llama: "LlamaDecoderLayer",
    mistral: "MistralDecoderLayer",
    qwen2: "Qwen2DecoderLayer",
    phi: "PhiDecoderLayer",
    phi3: "Phi3DecoderLayer",
    t5: "T5Block",
    bart: `Bart${side}Layer`,
    whisper: `Whisper${side}Layer`,
    clip: "CLIPEncoderLayer",
  };
  return names[family] ?? `${family}Layer`;
}

/** The sequence length of a call: the input_ids' last dimension, else the checkpoint's maximum (noted). */
function tokensOf(ip: Interp, info: HfModelInfo, x: Value | undefined, node: Node | null): number {
  // ViT always sees its 196 patches + [CLS]; Whisper's input_features are audio frames, not tokens.
  if (info.sized.row.family === "vit") return defaultTokens(info.sized.row);
  if (info.sized.row.family !== "whisper" && x?.k === "tensor" && x.shape?.length === 2) return x.shape[1];
  const t = defaultTokens(info.sized.row);
  ip.note(
    `${info.req.checkpoint}: sequence length not known at the call; priced at the checkpoint's maximum, ${t} tokens`,
    node,
  );
  return t;
}

/** forward(input_ids, ...) or forward(**batch): charges the family's MACs, spread over the tree's parts. */
function hfForward(ip: Interp, [self, x]: Value[], kw: Map<string, Value>, node: Node | null): Value {
  const info = hfInfoOf(self);
  if (!info || self?.k !== "instance") return unknown("model outputs", node);
  const input = x ?? kw.get("input_ids") ?? kw.get("pixel_values") ?? kw.get("input_features");
  // `model(**batch)` at top level: remember input_ids as the model's input so its cost is traced on it.
  if (
    !ip.forwardStats &&
    x === undefined &&
    input?.k === "tensor" &&
    input.shape?.length === 2 &&
    self.mod &&
    !ip.observedInputs.has(self.mod)
  )
    ip.observedInputs.set(self.mod, {
      args: [input],
      kw: new Map(),
      origin: input.origin ?? "input_ids the script passes to the model",
    });
  if (!ip.forwardStats) return unknown(`outputs of ${info.req.checkpoint ?? info.req.className}`, node);
  const tokens = tokensOf(ip, info, input, node);
  // Encoder–decoders: the decoder runs on the labels (or decoder_input_ids) length.
  const target = kw.get("labels") ?? kw.get("decoder_input_ids");
  const decTokens =
    ["t5", "bart"].includes(info.sized.row.family) && target?.k === "tensor" && target.shape?.length === 2
      ? target.shape[1]
      : tokens;
  if (decTokens !== tokens) info.decoderTokens = decTokens;
  const batch = input?.k === "tensor" && input.shape ? input.shape[0] : 1;
  if (ip.forwardStats) {
    for (const { mod, part } of info.slots) {
      const one =
        "count" in part
          ? { prefix: null, pieces: [], blocks: [part], task: "", numLabels: 0, notes: [] }
          : { prefix: null, pieces: [part], blocks: [], task: "", numLabels: 0, notes: [] };
      const macs = forwardMacs(one, tokens, decTokens) * batch;
      ip.forwardMacs += macs;
      // A checkpointed layer stack runs its forward once more in backward (priced by the run).
      if (info.gradientCheckpointing && "count" in part) ip.recomputeMacs += macs;
      // A stack's MACs go to its layers (ALBERT's one shared layer runs `count` times).
      const layers = "count" in part ? [...mod.children.values()].flatMap((c) => (c.mod ? [c.mod] : [])) : [mod];
      const calls = "count" in part ? part.count / layers.length : 1;
      for (const m of layers) {
        const s = ip.forwardStats.get(m) ?? { calls: 0, macs: 0, inputShape: null, outputShape: null };
        s.calls += calls;
        s.macs += macs / layers.length;
        ip.forwardStats.set(m, s);
      }
    }
    let lora = 0;
    for (const { part, macsPerToken } of info.lora) {
      const t = "count" in part ? null : part.perSample ? 1 : null;
      lora += macsPerToken * (t ?? part.fixedTokens ?? (part.decoder ? decTokens : tokens)) * batch;
    }
    if (lora > 0) {
      const s = ip.forwardStats.get(self.mod!) ?? { calls: 1, macs: 0, inputShape: null, outputShape: null };
      s.macs += lora;
      ip.forwardStats.set(self.mod!, s);
      ip.forwardMacs += lora;
    }
  }
  return unknown(`outputs of ${info.req.checkpoint ?? info.req.className}`, node);
}
