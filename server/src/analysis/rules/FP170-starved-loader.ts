// FP170: a DataLoader feeding GPU training from the main process (`num_workers=0`, the default)
// or without pinned memory: the GPU waits on decoding and host→device copies every step.
import type { Node, Tree } from "web-tree-sitter";
import { dirname, relative } from "node:path";
import { type KeywordSetting, setKeywordArguments } from "../fixes/codeShapes";
import { detectStyle } from "../fixes/pythonStyle";
import type { Fix } from "../types";
import { callAt, sameRange } from "./astLookup";
import type { Rule, RuleContext } from "./rule";
import { describeSaving, whatIf } from "./savings";
import { validated } from "./validatedFix";

/** Workers the fix proposes: PyTorch's DataLoader docs use 4 in their examples; a per-GPU starting point, not a tuned value. */
const SUGGESTED_WORKERS = 4;

export const starvedLoader: Rule = {
  code: "FP170",
  title: "Data loader starves the GPU",
  defaultSeverity: "warning",
  check(ctx) {
    // Hand-written loops and Lightning's fit both draw from a torch DataLoader.
    const gpuRuns = ctx.runs.filter(
      (r) => (r.spec.framework === "pytorch" || r.spec.framework === "lightning") && r.spec.device?.kind === "gpu",
    );
    if (gpuRuns.length === 0) return [];
    // The loaders the training steps iterate: the footprint model prices more workers for those.
    const trainLoaders = [
      ...gpuRuns.flatMap((r) => (r.spec.trainLoader ? [r.spec.trainLoader] : [])),
      ...ctx.facts.trace.flatMap((e) =>
        e.kind === "backward" ? e.loops.flatMap((l) => (l.loader ? [l.loader.range] : [])) : [],
      ),
    ];
    const out = [];
    // Assignments to a name, found from the name's occurrences in the text: a walk of the whole
    // tree per loader was 58% of a 10,000-line analysis (126 loaders), and an index of every
    // assignment of the tree by left-hand text, built once, still ~3%.
    const bindingsOf = (name: string) => assignmentsTo(ctx.tree, ctx.text, name);
    for (const e of ctx.facts.trace) {
      if (e.kind !== "loader") continue;
      const { numWorkers, pinMemory } = e.loader;
      // null: the script sets it to something the interpreter could not resolve, so nothing is claimed.
      const noWorkers = numWorkers === 0;
      const noPin = pinMemory === false;
      if (!noWorkers && !noPin) continue;
      // A loader built in an imported file: the range is the call into that file here, so editing
      // the call in this file would pass pin_memory to the script's own function (a TypeError).
      const builtIn = e.loader.builtIn;
      const call = builtIn ? null : callAt(ctx.tree, e.loader.range);
      // Batches already on the GPU need no loading: workers cannot share CUDA tensors and
      // pin_memory refuses them, so the fix would break the script.
      if (call && datasetOnGpu(call, bindingsOf)) continue;
      const where = builtIn ? ` (built in ${relative(dirname(ctx.path), builtIn)}: set it there)` : "";
      const what = [
        noWorkers ? "loads batches in the training process (num_workers=0)" : "",
        noPin ? "copies from pageable memory (no pin_memory)" : "",
      ]
        .filter(Boolean)
        .join(" and ");
      const feedsTraining = trainLoaders.some((r) => sameRange(r, e.loader.range));
      // The run this loader feeds prices the saving; a loop whose run did not record its loader
      // falls back to the first GPU run with the what-if.
      const own = gpuRuns.find((r) => r.spec.trainLoader && sameRange(r.spec.trainLoader, e.loader.range));
      const run = feedsTraining
        ? own && whatIf(own, "loader-workers")
          ? own
          : gpuRuns.find((r) => r.spec.framework === "pytorch" && whatIf(r, "loader-workers"))
        : undefined;
      const saving = run ? describeSaving(run, whatIf(run, "loader-workers")) : null;
      out.push({
        message: `DataLoader${where} ${what}: the GPU idles while each batch is prepared; worker processes and pinned memory overlap loading with compute${saving ? ` (${saving} with ${SUGGESTED_WORKERS} workers on ${run!.deviceName})` : feedsTraining ? "" : " (not priced: the estimate covers the training loop, not this loader)"}`,
        range: e.loader.range,
        fixes: () => (call ? [loaderFix(ctx, call, noWorkers, noPin)] : []),
      });
    }
    return out;
  },
};

/**
 * Where DataLoader takes the two arguments positionally: DataLoader(dataset, batch_size, shuffle,
 * sampler, batch_sampler, num_workers, collate_fn, pin_memory, ...) in torch 1.13 and 2.x.
 */
const NUM_WORKERS_AT = 5;
const PIN_MEMORY_AT = 7;

/** Sets num_workers and/or pin_memory on the loader's call; null when the call is not found or the edit does not reparse. */
function loaderFix(ctx: RuleContext, call: Node | null, noWorkers: boolean, noPin: boolean): Fix | null {
  const settings: KeywordSetting[] = [];
  if (noWorkers) settings.push({ name: "num_workers", value: String(SUGGESTED_WORKERS), position: NUM_WORKERS_AT });
  if (noPin) settings.push({ name: "pin_memory", value: "True", position: PIN_MEMORY_AT });
  const edits = call ? setKeywordArguments(ctx.text, detectStyle(ctx.text), call, settings) : null;
  return validated(ctx, {
    title: `Set ${[noWorkers ? `num_workers=${SUGGESTED_WORKERS}` : "", noPin ? "pin_memory=True" : ""].filter(Boolean).join(", ")}`,
    edits: edits ?? [],
    isPreferred: true,
  });
}

/** Tensors put on a device where they are made: `torch.randn(..., device=device)`, `.cuda()`, `.to("cuda")`. */
const ON_DEVICE = /\bdevice\s*=|\.cuda\(|\.to\(\s*(?:device|dev|["']cuda)/;

/**
 * True when the loader's dataset expression (or the assignment that bound its name, the last one
 * before the call) builds its tensors on a device.
 */
function datasetOnGpu(call: Node, bindingsOf: (name: string) => Binding[]): boolean {
  const args = call.childForFieldName("arguments")?.namedChildren ?? [];
  const first = args.find((a) => a && a.type !== "comment" && a.type !== "keyword_argument");
  const kw = args.find((a) => a?.type === "keyword_argument" && a.childForFieldName("name")?.text === "dataset");
  const expr = first ?? kw?.childForFieldName("value") ?? null;
  if (!expr) return false;
  if (expr.type !== "identifier") return ON_DEVICE.test(expr.text);
  let bound: Node | null = null;
  const start = call.startIndex;
  for (const a of bindingsOf(expr.text)) {
    if (a.end <= start) bound = a.node;
  }
  return !!bound && ON_DEVICE.test(bound.childForFieldName("right")?.text ?? "");
}

/**
 * The nodes spelled `name` (as `nodesSpelled`) at the occurrences that could be an assignment's
 * target: a whole token followed by `=` (not `==`) or an annotation's `:`, past spaces and line
 * joins. Reading the node at every occurrence (a dataset's name is also read at each use, and is
 * part of longer names) was most of FP170's time; the regex engine finds the few candidates.
 */
function assignedSpellings(tree: Tree, text: string, name: string): Node[] {
  const out: Node[] = [];
  const root = tree.rootNode;
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const targets = new RegExp(String.raw`(?<![A-Za-z0-9_])${literal}(?=(?:[ \t\f]|\\\r?\n)*(?:=(?!=)|:))`, "g");
  for (const m of text.matchAll(targets)) {
    const i = m.index;
    const n = root.descendantForIndex(i, i + name.length);
    if (n && n.startIndex === i && n.endIndex === i + name.length) out.push(n);
  }
  return out;
}

/** An assignment and where it ends. */
type Binding = { end: number; node: Node };

const assignments = new WeakMap<Tree, Map<string, Binding[]>>();

/**
 * The tree's assignments whose left-hand side is exactly `name`, in document (pre-)order. The
 * left side spans an occurrence of the name: the smallest node there, or an ancestor with the
 * same span, is the `left` child of an `assignment`.
 */
function assignmentsTo(tree: Tree, text: string, name: string): Binding[] {
  let byName = assignments.get(tree);
  if (!byName) assignments.set(tree, (byName = new Map()));
  let list = byName.get(name);
  if (list) return list;
  const found: Array<Binding & { order: number }> = [];
  for (const n of assignedSpellings(tree, text, name)) {
    const { startIndex } = n;
    for (let cur: Node | null = n; cur; ) {
      const parent: Node | null = cur.parent;
      if (!parent) break;
      if (parent.type === "assignment" && parent.childForFieldName("left")?.id === cur.id) {
        found.push({ end: parent.endIndex, node: parent, order: parent.startIndex });
        break;
      }
      if (parent.startIndex !== startIndex || parent.endIndex !== startIndex + name.length) break;
      cur = parent;
    }
  }
  found.sort((a, b) => a.order - b.order);
  list = found.map(({ end, node }) => ({ end, node }));
  byName.set(name, list);
  return list;
}
