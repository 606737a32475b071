// Calling any value: user functions (new frame, bound parameters, body), builtins, bound
// methods, classes (instantiation), nn.Module instances (forward), native objects.
import type { Node } from "web-tree-sitter";
import { callModule, isMethodForward } from "../../frameworks/torch/moduleCall";
import type { Expr, Stmt } from "../ast";
import { getAttr } from "../attributes";
import { instantiate } from "../classes";
import { evalExpr } from "../expressions";
import type { Interp } from "../interp";
import { Scope } from "../scope";
import { cutRecursion, resolveReturn } from "../earlyReturn";
import { execBlock, type FrameResult, RAISE } from "../statements";
import { type FuncV, type Kw, NONE, unknown, type Value } from "../values";
import { bindParams } from "./binding";

const NO_KW: Kw = new Map();

export function callValue(ip: Interp, f: Value, args: Value[], kw: Kw, node: Node | null): Value {
  switch (f.k) {
    case "func":
      return callFunction(ip, f, args, kw, node);
    case "builtin":
      return f.fn(ip, args, kw, node);
    case "bound":
      if (f.fn.k === "func" && isMethodForward(ip, f.self, f.fn, f.fn.name))
        return callModule(ip, f.self, args, kw, node, { name: f.fn.name, fn: f.fn });
      return callValue(ip, f.fn, [f.self, ...args], kw, node);
    case "class":
      return instantiate(ip, f, args, kw, node);
    case "instance":
      if (f.mod) return callModule(ip, f, args, kw, node);
      return callMethod(ip, f, "__call__", args, node, kw);
    case "native":
      return f.call ? f.call(ip, args, kw, node) : unknown(`${f.type} is not callable`, node);
    case "module":
      // A library the analysis does not model (`from mylib import fancy_block`).
      handedModuleToUnknown(ip, `${f.name}() is not modelled`, args, kw, node);
      notePretrainedFromUnmodelled(ip, f.name, node);
      return { k: "unknown", reason: `${f.name}() is not modelled`, node, fromUnresolvedCall: node };
    case "unknown":
      handedModuleToUnknown(ip, f.reason, args, kw, node);
      // Marked so a module attribute set to it can say its parameters may be missing (moduleAttrs.ts).
      return { ...f, fromUnresolvedCall: node };
    default:
      return unknown(`a ${f.k} is not callable`, node);
  }
}

/**
 * In a model's cost trace, an unresolved function handed a layer (`fancy_block(b, x)`, an unmodelled
 * checkpoint or wrapper) may run it: its MACs would silently go missing from a total shown as exact,
 * so the forward's FLOPs become unknown, naming the call (the first such reason wins).
 */
function handedModuleToUnknown(ip: Interp, reason: string, args: Value[], kw: Kw, node: Node | null): void {
  if (!ip.forwardStats || ip.forwardCostUnknown) return;
  const handed = [...args, ...kw.values()].find((a) => a.k === "instance" && a.mod);
  if (handed?.k !== "instance" || !handed.mod) return;
  const what = `a call the analysis cannot follow (${reason}) was handed ${handed.mod.className}, whose cost is not counted`;
  ip.forwardCostUnknown = {
    message: `forward FLOPs unknown: ${what}`,
    range: ip.range(node),
    hint: `${what}; if you know the forward cost, add \`# footprint: flops <FLOPs per sample>\` (e.g. \`# footprint: flops 1.1G\`)`,
  };
}

/**
 * `UNet2DConditionModel.from_pretrained(...)` from a library the analysis does not model (diffusers,
 * timm-like forks, a company package): the weights it loads are a model whose size nobody will see
 * in the report, so say so where it is loaded; a run training it then asks for the directives.
 */
function notePretrainedFromUnmodelled(ip: Interp, name: string, node: Node | null): void {
  const m = /^([\w.]+)\.(from_pretrained|from_single_file)$/.exec(name);
  if (!m) return;
  const cls = m[1];
  // Tokenizers, processors, noise schedulers and configs load no weights.
  if (/(Tokenizer\w*|Processor|FeatureExtractor|Scheduler|Config)$/.test(cls)) return;
  const lib = cls.split(".")[0];
  ip.note(
    `${cls}.${m[2]}(): ${lib} is not modelled, so the parameters and FLOPs of the model it loads are unknown`,
    node,
    "if it is the model you train, add `# footprint: params 860M` and `# footprint: flops 2.2G` (forward FLOPs per sample)",
  );
}

export function callMethod(
  ip: Interp,
  obj: Value,
  name: string,
  args: Value[],
  node: Node | null,
  kw: Kw = NO_KW,
): Value {
  const m = getAttr(ip, obj, name, node);
  if (m.k === "unknown") return m;
  return callValue(ip, m, args, kw, node);
}

export function callFunction(ip: Interp, f: FuncV, args: Value[], kw: Kw, node: Node | null): Value {
  if (ip.callDepth >= ip.maxDepth) {
    ip.note(`call depth budget (${ip.maxDepth}) reached in ${f.name}(): deeper calls are not followed`, node);
    return unknown("call depth budget reached", node);
  }
  const cut = cutRecursion(ip, f, node);
  if (cut) return cut;
  if (!ip.enter()) return unknown("calls nested too deeply to analyse", node);
  const scope = new Scope(f.closure, f.closure.globals);
  bindParams(ip, f.params, f.defaults, args, kw, scope, node, f.name);
  const savedFile = ip.currentFile;
  const savedSite = ip.foreignCallSite;
  if (savedFile === ip.ctx.path && f.file !== ip.ctx.path && node) ip.foreignCallSite = ip.rangeOf(node);
  const noGrad = f.decorators.includes("no_grad");
  ip.callDepth++;
  ip.currentFile = f.file;
  if (noGrad) ip.noGrad++;
  const pushFrame = !Array.isArray(f.body) ? false : f.file === ip.ctx.path;
  if (pushFrame) ip.frames.push({ name: f.name, range: ip.rangeOf(f.node) });
  ip.funcStack.push({ f, scope });
  try {
    if (!Array.isArray(f.body)) return evalExpr(ip, f.body as Expr, scope);
    const frame: FrameResult = { ret: NONE };
    const c = execBlock(ip, f.body as Stmt[], scope, frame);
    return resolveReturn(ip, frame, c !== RAISE);
  } finally {
    ip.funcStack.pop();
    if (pushFrame) ip.frames.pop();
    if (noGrad) ip.noGrad--;
    ip.currentFile = savedFile;
    ip.foreignCallSite = savedSite;
    ip.callDepth--;
    ip.leave();
  }
}
