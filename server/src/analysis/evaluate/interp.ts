// The interpreter's state for one analysis: budgets, the trace being recorded, loop/function
// frames, the nn.Module instances built, and per-file module caches. Behaviour lives elsewhere
// (statements.ts, expressions.ts, calls/, classes.ts); this file is the shared context.
import type { CounterLoop } from "./stepCounters";
import type { AttrChoices } from "./undecided";
import type { Node } from "web-tree-sitter";
import type { ModuleState } from "../frameworks/torch/moduleState";
import { nodeRange } from "../parse/nodes";
import type { Range, Unknown } from "../types";
import { BudgetExhausted, MAX_NESTING } from "./budget";
import type { EvalBudget, EvalContext } from "./index";
import type { CallFrame, LoopFrame, TraceEvent } from "./trace";
import type { ModuleV, Value } from "./values";

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
export type EventData = DistributiveOmit<TraceEvent, "range" | "loops" | "frames" | "noGrad" | "autocast">;

/** Per-module numbers collected while tracing one forward pass. */
export interface LayerStats {
  calls: number;
  macs: number;
  /** The part of `macs` run as convolutions (absent: none). */
  convMacs?: number;
  /** MACs of weight-only products, once per forward call whatever the batch (not in `macs`). */
  perCallMacs?: number;
  inputShape: number[] | null;
  outputShape: number[] | null;
  /** Calls made under torch.no_grad inside the forward (a linear probe's encoder): no backward runs through them. */
  noGradCalls?: number;
}

export class Interp {
  steps = 0;
  /** Nesting of Python calls (user functions, methods). */
  callDepth = 0;
  /** Nesting of expression/statement evaluation inside the current call (JS stack guard). */
  nesting = 0;
  maxSteps: number;
  readonly trace: TraceEvent[] = [];
  readonly loops: LoopFrame[] = [];
  /** Trace length when the current pass of each own-file `for` loop began (evaluate/loops.ts). */
  readonly passStarts = new Map<LoopFrame, number>();
  /** Own-file range/while loops running now with the counters they advance (evaluate/stepCounters.ts). */
  readonly counterLoops: CounterLoop[] = [];
  readonly frames: CallFrame[] = [];
  noGrad = 0;
  /**
   * The `if` conditions the analysis could not decide around the code running now (both branches
   * run, one after the other): state changed here, such as a parameter's requires_grad, may not
   * happen at run time.
   */
  readonly undecided: Node[] = [];
  /** Per undecided `if` above, the module attributes its paths set (evaluate/undecided.ts). */
  readonly attrChoices: AttrChoices[] = [];
  autocast: Array<"fp16" | "bf16" | null> = [];
  readonly unknowns: Unknown[] = [];
  private readonly unknownKeys = new Set<string>();
  /** Every nn.Module instance built, in construction order. */
  readonly modules: ModuleState[] = [];
  /** Workspace modules by absolute path; "loading" marks an import cycle in progress. */
  readonly fileModules = new Map<string, ModuleV | "loading">();
  /** File whose code is running (ranges of other files are reported with their path). */
  currentFile: string;
  /** Set while tracing a model's forward pass for cost: per-module numbers. */
  forwardStats: Map<ModuleState, LayerStats> | null = null;
  /** Modules whose forward is running, innermost last (functional-op MACs go to the top). */
  readonly moduleStack: ModuleState[] = [];
  forwardMacs = 0;
  /** MACs of products of weight-only tensors: once per forward call, not per sample (weightOnly.ts). */
  perCallMacs = 0;
  /** Inside torch.utils.checkpoint: MACs charged now run again in backward (frameworks/torch/checkpointing.ts). */
  checkpointDepth = 0;
  /** The part of forwardMacs that ran under checkpoint, recomputed once more in training. */
  recomputeMacs = 0;
  forwardUnknowns: Unknown[] = [];
  /**
   * First multiply-accumulating layer or op of the cost trace that ran on a tensor of unknown shape:
   * its MACs are missing, so the traced total would be an undercount, not the forward cost.
   */
  forwardShapeLost: { mod: ModuleState | null; op: string; cause?: string } | null = null;
  /**
   * Set by the cost trace when a sequence-first layer (an RNN or transformer layer with
   * batch_first=False) read the traced input's batch of one as its sequence: the script's input is
   * (sequence, batch, …), so its batch is dimension 1 (cost/modelCost.ts traces again).
   */
  forwardSequenceFirst: string | null = null;
  /**
   * Set during the cost trace by a forward that has no cost model for what ran (a torchvision model whose
   * body child was replaced): the traced total would be a confident wrong number, so FLOPs are unknown.
   */
  forwardCostUnknown: Unknown | null = null;
  /** Counts trace events; loops that record any run their body once (a training loop repeats). */
  eventCount = 0;
  /** While code of an imported file runs: the call site in the analysed file that led there. */
  foreignCallSite: Range | null = null;
  /** User functions being run, innermost last (zero-argument `super()` reads the top). */
  /** `parked`: the call parked an early return under an undecided condition (earlyReturn.ts). */
  readonly funcStack: Array<{ f: import("./values").FuncV; scope: import("./scope").Scope; parked?: boolean }> = [];
  /** Python builtins: the parent of every module scope (set by evaluateProgram). */
  builtins!: import("./scope").Scope;
  /** First tensor input each model was called with at top level (the script's own batch or dummy input). */
  readonly observedInputs = new Map<
    ModuleState,
    {
      args: Value[];
      kw: import("./values").Kw;
      origin: string | null;
      /** A model without forward used through its methods (`agent.get_action_and_value(x)`): the one traced. */
      method?: string;
      noGrad?: boolean;
    }
  >();
  /** torch classes built for this analysis (nn.Module, containers, catalog layers); set on first import. */
  torch: import("../frameworks/torch/package").TorchRegistry | null = null;
  /** Outputs of top-level model calls by input shapes (a loop calls the model on the same shapes). */
  readonly forwardCache = new Map<ModuleState, Map<string, Value>>();
  /** Ranges of AST nodes, computed once (reading positions crosses into wasm). */
  private readonly ranges = new WeakMap<Node, Range>();
  /**
   * Set by a framework whose symbolic tensors record operators as graph nodes (Keras): answers
   * `a op b` when it applies, else null and the plain tensor arithmetic runs.
   */
  tensorOpHook:
    | ((
        ip: Interp,
        op: string,
        a: import("./values").Value,
        b: import("./values").Value,
        node: Node | null,
      ) => import("./values").Value | null)
    | null = null;
  /** Native packages (torch, os, argparse...) by dotted name; filled by imports.ts. */
  nativeModules = new Map<string, Value>();

  constructor(
    readonly ctx: EvalContext,
    budget: EvalBudget,
  ) {
    this.maxSteps = budget.maxSteps;
    this.currentFile = ctx.path;
  }

  get maxDepth(): number {
    return this.ctx.budget.maxDepth;
  }

  step(): void {
    if (this.steps >= this.maxSteps) throw new BudgetExhausted(`step budget of ${this.maxSteps} spent`);
    this.steps++;
  }

  /** Enter one level of expression/statement nesting; false when too deep to continue safely. */
  enter(): boolean {
    if (this.nesting >= MAX_NESTING) return false;
    this.nesting++;
    return true;
  }

  leave(): void {
    this.nesting--;
  }

  range(node: Node | null): Range | null {
    if (!node || this.currentFile !== this.ctx.path) return null;
    return this.rangeOf(node);
  }

  /** nodeRange, cached per node (loops and calls ask for the same ranges again and again). */
  rangeOf(node: Node): Range {
    let r = this.ranges.get(node);
    if (!r) {
      r = nodeRange(node);
      this.ranges.set(node, r);
    }
    return r;
  }

  /** Records something the analysis could not resolve (once per message and place). */
  note(message: string, node: Node | null, hint?: string): void {
    // Inside a model's forward during the script run the cost trace repeats the work with the
    // real input: problems seen here (often an unknown batch) would only be noise.
    if (this.moduleStack.length > 0 && !this.forwardStats) return;
    const range = this.range(node);
    const where = this.currentFile !== this.ctx.path ? ` (in ${this.currentFile})` : "";
    const key = `${message}@${range?.start.line ?? -1}:${range?.start.character ?? -1}${where}`;
    if (this.unknownKeys.has(key) || this.unknowns.length >= 200) return;
    this.unknownKeys.add(key);
    const u: Unknown = { message: message + where, range };
    if (hint) u.hint = hint;
    this.unknowns.push(u);
    if (this.forwardStats) this.forwardUnknowns.push(u);
  }

  /**
   * While above 0, events are not recorded: a loop body re-run only so that the models it calls
   * get their inputs (evaluate/loops.ts), whose training the first iteration already recorded.
   */
  muteEvents = 0;

  event(data: EventData, node: Node | null): void {
    if (this.muteEvents > 0) return;
    this.eventCount++;
    const range = this.range(node) ?? this.foreignCallSite;
    if (!range) return;
    this.trace.push({
      ...data,
      range,
      loops: this.loops.slice(),
      frames: this.frames.slice(),
      noGrad: this.noGrad > 0,
      autocast: this.autocast.length ? this.autocast[this.autocast.length - 1] : null,
    } as TraceEvent);
  }
}
