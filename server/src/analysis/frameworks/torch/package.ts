// The `torch` and `torchvision` namespaces: resolves a qualified name (torch.nn.Conv2d,
// torch.nn.functional.relu, torch.optim.Adam, torchvision.transforms.Resize...) to a class,
// function or submodule. Add a torch API by adding it to NATIVE below or to the tables in
// layers/ (nn classes) and functional/ (functions with shape/MAC rules).
import { callValue } from "../../evaluate/calls/call";
import { makeClass } from "../../evaluate/classes";
import type { Interp } from "../../evaluate/interp";
import { nativeModule } from "../../evaluate/nativeHelpers";
import {
  bool,
  builtin,
  type ClassV,
  NONE,
  type NativeFn,
  str,
  tuple,
  unknown,
  type Value,
} from "../../evaluate/values";
import { catalogClass } from "./catalog";
import { type ContainerKind, makeContainerClasses } from "./containers";
import { CREATION, makeParameter } from "./creation";
import {
  concatDataset,
  dataLoader,
  imageFolder,
  randomSplit,
  subsetOf,
  tensorDataset,
  torchvisionDataset,
} from "./data";
import { precisionOfDtype } from "./events";
import { makeModuleClass } from "./moduleAttrs";
import { normWrapper, removeWeightNorm } from "./normWrappers";
import { makeTransform } from "./transforms";
import { packPaddedSequence, padPackedSequence, padSequence } from "./rnnUtils";
import { autogradFunctionClass, checkpoint, checkpointSequential } from "./checkpointing";
import { SAMPLERS } from "./samplers";
import { fastRcnnPredictor } from "../zoo/detectionHeads";
import { hasZooModel, zooFactory } from "./zoo";
import { PLAN_LAYERS } from "./zooBlocks";
import { callTorchFunction, hasTorchFunction } from "./tensorOps";
import {
  autocastContext,
  LOSSES,
  makeDevice,
  makeGradScaler,
  makeLossClass,
  makeOptimizer,
  makeParallel,
  makeSave,
  makeSpawn,
  makeScheduler,
  noGradContext,
  setGradEnabled,
  enableGradContext,
} from "./training";

export interface TorchRegistry {
  moduleClass: ClassV;
  containers: Record<ContainerKind, ClassV>;
  classes: Map<string, Value>;
}

const SUBMODULES = new Set([
  "torch.nn",
  "torch.nn.functional",
  "torch.nn.modules",
  "torch.nn.parallel",
  "torch.nn.init",
  "torch.nn.utils",
  "torch.nn.utils.parametrizations",
  "torch.nn.utils.rnn",
  "torch.optim",
  "torch.optim.lr_scheduler",
  "torch.utils",
  "torch.utils.data",
  "torch.utils.checkpoint",
  "torch.utils.data.sampler",
  "torch.utils.data.distributed",
  "torch.cuda",
  "torch.cuda.amp",
  "torch.fft",
  "torch.amp",
  "torch.cpu",
  "torch.cpu.amp",
  "torch.backends",
  "torch.backends.cudnn",
  "torch.backends.mps",
  "torch.jit",
  "torch.hub",
  "torch.onnx",
  "torch.multiprocessing",
  "torch.distributed",
  "torch.nn.parameter",
  "torch.autograd",
  "torchvision",
  "torchvision.datasets",
  "torchvision.models",
  "torchvision.models.detection",
  "torchvision.models.detection.faster_rcnn",
  "torchvision.models.segmentation",
  "torchvision.transforms",
  "torchvision.transforms.v2",
]);

const DTYPES = [
  "float32",
  "float",
  "float16",
  "half",
  "bfloat16",
  "float64",
  "double",
  "int64",
  "long",
  "int32",
  "int",
  "int16",
  "int8",
  "uint8",
  "bool",
  "complex64",
];
const OPTIMIZERS = [
  "SGD",
  "Adam",
  "AdamW",
  "RMSprop",
  "Adagrad",
  "Adadelta",
  "Adamax",
  "NAdam",
  "RAdam",
  "LBFGS",
  "SparseAdam",
  "ASGD",
  "Rprop",
];

const fixed =
  (v: Value): NativeFn =>
  () =>
    v;

type Factory = (reg: TorchRegistry) => Value;

/** Qualified name → how to make it; built once per process, instantiated per analysis on first use. */
const NATIVE: Record<string, Factory> = (() => {
  const out: Record<string, Factory> = {};
  const f = (name: string, fn: NativeFn) => {
    out[name] = () => builtin(name, fn);
  };
  out["torch.nn.Module"] = (reg) => reg.moduleClass;
  for (const k of ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"] as const)
    out[`torch.nn.${k}`] = (reg) => reg.containers[k];
  for (const l of LOSSES) out[`torch.nn.${l}`] = (reg) => makeLossClass(l, reg.moduleClass);
  f("torch.nn.Parameter", makeParameter);
  f("torch.nn.parameter.Parameter", makeParameter);
  for (const [name, fn] of Object.entries(CREATION)) f(`torch.${name}`, fn);
  out["torch.Tensor"] = () =>
    makeClass("Tensor", [], new Map(), { qualname: "torch.Tensor", native: { construct: CREATION.Tensor } });
  f("torch.Size", (_ip, [x]) => (x && (x.k === "tuple" || x.k === "list") ? tuple(x.items) : tuple([])));
  for (const d of DTYPES) out[`torch.${d}`] = () => str(`torch.${d}`);
  for (const n of ["torch.no_grad", "torch.inference_mode"]) f(n, noGradContext);
  f("torch.enable_grad", enableGradContext);
  f("torch.set_grad_enabled", setGradEnabled);
  for (const n of ["torch.autocast", "torch.amp.autocast", "torch.cuda.amp.autocast", "torch.cpu.amp.autocast"])
    f(n, autocastContext(n !== "torch.cpu.amp.autocast"));
  for (const n of ["torch.cuda.amp.GradScaler", "torch.amp.GradScaler", "torch.GradScaler"]) f(n, makeGradScaler);
  f("torch.device", makeDevice);
  // The estimate prices the accelerator the script asks for, so the script's GPU branch is taken.
  f("torch.cuda.is_available", fixed(bool(true)));
  f("torch.backends.mps.is_available", fixed(bool(false)));
  f("torch.cuda.device_count", (_ip, _a, _kw, node) => unknown("number of GPUs at run time", node));
  for (const o of OPTIMIZERS) f(`torch.optim.${o}`, makeOptimizer(o));
  f("torch.save", makeSave("torch.save", false));
  f("torch.jit.script", makeSave("torch.jit.script", true));
  f("torch.jit.trace", makeSave("torch.jit.trace", true));
  f("torch.jit.save", makeSave("torch.jit.save", false));
  f("torch.onnx.export", makeSave("torch.onnx.export", false));
  f("torch.compile", (_ip, [m]) => m ?? NONE);
  f("torch.nn.utils.weight_norm", normWrapper("weight_norm"));
  f("torch.nn.utils.spectral_norm", normWrapper("spectral_norm"));
  f("torch.nn.utils.remove_weight_norm", removeWeightNorm);
  f("torch.nn.utils.parametrizations.weight_norm", normWrapper("param_weight_norm"));
  f("torch.nn.utils.parametrizations.spectral_norm", normWrapper("param_spectral_norm"));
  // Variable(t) is the tensor itself since torch 0.4; pre-0.4 code still wraps tensors in it.
  f("torch.autograd.Variable", (_ip, [t]) => t ?? NONE);
  out["torch.autograd.Function"] = () => autogradFunctionClass();
  f("torch.multiprocessing.spawn", makeSpawn);
  f("torch.nn.parallel.DistributedDataParallel", makeParallel("DistributedDataParallel"));
  f("torch.nn.DataParallel", makeParallel("DataParallel"));
  f("torch.nn.utils.rnn.pack_padded_sequence", packPaddedSequence);
  f("torch.nn.utils.rnn.pad_packed_sequence", padPackedSequence);
  f("torch.nn.utils.rnn.pad_sequence", padSequence);
  f("torch.utils.checkpoint.checkpoint", checkpoint);
  f("torch.utils.checkpoint.checkpoint_sequential", checkpointSequential);
  f("torch.utils.data.DataLoader", dataLoader);
  f("torch.utils.data.TensorDataset", tensorDataset);
  f("torch.utils.data.random_split", randomSplit);
  f("torch.utils.data.Subset", subsetOf);
  f("torch.utils.data.ConcatDataset", concatDataset);
  for (const [name, fn] of Object.entries(SAMPLERS)) {
    f(`torch.utils.data.${name}`, fn);
    f(`torch.utils.data.sampler.${name}`, fn);
  }
  f("torch.utils.data.distributed.DistributedSampler", SAMPLERS.DistributedSampler);
  out["torch.utils.data.Dataset"] = () => makeClass("Dataset", [], new Map(), { qualname: "torch.utils.data.Dataset" });
  out["torch.utils.data.IterableDataset"] = () =>
    makeClass("IterableDataset", [], new Map(), { qualname: "torch.utils.data.IterableDataset" });
  f("torch.manual_seed", fixed(NONE));
  f("torch.set_float32_matmul_precision", fixed(NONE));
  f("torch.set_default_dtype", (ip2, [d], _kw, node) => {
    const p = precisionOfDtype(d);
    if (p && p !== "fp32")
      ip2.event({ kind: "precision", precision: p, how: "torch.set_default_dtype", modelId: null }, node);
    return NONE;
  });
  f("torch.load", (_ip, _a, _kw, node) => unknown("contents of a saved file", node));
  f("torchvision.datasets.ImageFolder", imageFolder);
  return out;
})();

function resolve(ip: Interp, reg: TorchRegistry, qual: string): Value | undefined {
  const hit = reg.classes.get(qual);
  if (hit) return hit;
  const dot = qual.lastIndexOf(".");
  const parent = qual.slice(0, dot);
  const name = qual.slice(dot + 1);
  let v: Value | undefined = NATIVE[qual]?.(reg);
  if (!v && (parent === "torch.nn" || parent === "torch.nn.modules")) v = catalogClass(ip, name, reg.moduleClass);
  if (!v && parent === "torch.optim.lr_scheduler") v = builtin(qual, makeScheduler);
  if (!v && parent === "torch.nn.init") v = builtin(qual, (_ip, [t]) => t ?? NONE);
  if (!v && (parent === "torchvision.transforms" || parent === "torchvision.transforms.v2"))
    v = builtin(qual, makeTransform(name));
  // Detection/segmentation builders live in submodules (torchvision.models.detection.fasterrcnn_resnet50_fpn).
  if (!v && parent.startsWith("torchvision.models") && hasZooModel(name)) {
    // Head layers are catalog classes: make sure they exist before the builder runs.
    resolve(ip, reg, "torch.nn.Linear");
    resolve(ip, reg, "torch.nn.Conv2d");
    for (const layer of PLAN_LAYERS) resolve(ip, reg, `torch.nn.${layer}`);
    v = builtin(qual, zooFactory(name));
  }
  if (!v && qual === "torchvision.models.detection.faster_rcnn.FastRCNNPredictor") {
    resolve(ip, reg, "torch.nn.Linear");
    v = builtin(qual, fastRcnnPredictor);
  }
  if (!v && qual === "torchvision.models.get_model") {
    // models.get_model("resnet50", weights=..., num_classes=...) is the builder of that name.
    v = builtin(qual, (ip2, [nameArg, ...rest], kw, node) => {
      const n = nameArg?.k === "str" ? nameArg.v : "";
      return hasZooModel(n)
        ? callValue(ip2, resolve(ip2, reg, `torchvision.models.${n}`)!, rest, kw, node)
        : unknown(`torchvision.models.get_model('${n}') is not in the zoo`, node);
    });
  }
  if (!v && qual === "torch.hub.load") {
    // torch.hub.load("pytorch/vision", "resnet50", ...) is the torchvision builder of that name.
    v = builtin(qual, (ip2, [repo, model, ...rest], kw, node) => {
      const r = repo?.k === "str" ? repo.v : "";
      const m = model?.k === "str" ? model.v : "";
      const builder = /pytorch\/vision/.test(r) ? resolve(ip2, reg, `torchvision.models.${m}`) : undefined;
      return builder
        ? callValue(ip2, builder, rest, kw, node)
        : unknown(`torch.hub model ${r}:${m} is not in the zoo`, node);
    });
  }
  if (!v && parent === "torchvision.datasets") v = builtin(qual, torchvisionDataset(name));
  if (!v && (qual.startsWith("torch.") || qual.startsWith("Tensor.")) && hasTorchFunction(qual))
    v = builtin(qual, (ip2, args, kw, node) => callTorchFunction(ip2, qual, args, kw, node));
  // Any other torch.* / F.* function goes through the table lookup, which notes it as not modelled.
  if (!v && (parent === "torch" || parent === "torch.nn.functional") && /^[a-z_]/.test(name) && !SUBMODULES.has(qual))
    v = builtin(qual, (ip2, args, kw, node) => callTorchFunction(ip2, qual, args, kw, node));
  if (!v && SUBMODULES.has(qual)) v = nativeModule(qual, {}, (attr) => resolve(ip, reg, `${qual}.${attr}`));
  if (v) reg.classes.set(qual, v);
  return v;
}

function registry(ip: Interp): TorchRegistry {
  if (!ip.torch) {
    const moduleClass = makeModuleClass();
    ip.torch = { moduleClass, containers: makeContainerClasses(moduleClass), classes: new Map() };
  }
  return ip.torch;
}

export function torchRoot(ip: Interp): Value {
  const reg = registry(ip);
  return nativeModule("torch", {}, (attr) => resolve(ip, reg, `torch.${attr}`));
}

export function torchvisionRoot(ip: Interp): Value {
  const reg = registry(ip);
  return nativeModule("torchvision", {}, (attr) => resolve(ip, reg, `torchvision.${attr}`));
}
