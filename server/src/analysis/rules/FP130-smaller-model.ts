// FP130: fine-tuning a checkpoint that has a catalogued smaller / distilled alternative
// (bert-base-uncased → distilbert-base-uncased, gpt2 → distilgpt2, resnet50 → resnet18 …). The
// message prices the alternative with the run's own schedule and quotes the published quality
// delta; the fix swaps the checkpoint string (every identical literal, so a tokenizer loaded from
// the same name follows) or the torchvision builder and its weights enum.
import type { Node, Tree } from "web-tree-sitter";
import { findKerasApp } from "../frameworks/keras/applications";
import { torchvisionZoo } from "../frameworks/torch/zooData";
import { findCheckpoint } from "../frameworks/transformers/hfZoo";
import { sig } from "../format";
import type { Fix, ModelCost, SmallerModel, TextEdit } from "../types";
import { nodesSpelled } from "./astLookup";
import type { Rule, RuleContext } from "./rule";
import { describeSaving, whatIf } from "./savings";
import { validated } from "./validatedFix";

const millions = (n: number) => `${sig(n / 1e6)}M`;

export const smallerModel: Rule = {
  code: "FP130",
  title: "Distil to a smaller model",
  defaultSeverity: "information",
  check(ctx) {
    const out = [];
    for (const run of ctx.runs) {
      const s = run.spec.smallerModel;
      const model = ctx.models.find((m) => m.name === run.spec.model && m.pretrained);
      if (!s || !model?.pretrained?.weights) continue;
      const w = whatIf(run, `smaller-model:${s.to}`);
      if (w?.saving != null && w.saving >= 0) continue; // not cheaper under this run's pricing
      const saving = describeSaving(run, w);
      const quality = s.quality ? `published ${s.quality}` : "no side-by-side quality figure is published";
      out.push({
        message:
          `Fine-tunes ${s.from} (${millions(model.params)} params): ${s.to} (${millions(s.params)}) ` +
          `${saving ? `would train ${saving}` : "is smaller for the same task"}; ${quality}. ` +
          "Swap the checkpoint, or distil into it with the larger model as teacher",
        range: model.range,
        fixes: () => [validated(ctx, swapFix(ctx, model, s))],
      });
    }
    return out;
  },
};

const rangeOf = (n: Node) => ({
  start: { line: n.startPosition.row, character: n.startPosition.column },
  end: { line: n.endPosition.row, character: n.endPosition.column },
});

// Where a name is written, found once per tree and name from its occurrences in the text
// (astLookup.nodesSpelled): collecting every identifier or string of the tree with its text was
// ~9% of a 10,000-line analysis, and comparing them all for each finding another ~4%.
type Spot = { node: Node; order: number };
const spots = new WeakMap<Tree, Map<string, Spot[]>>();
function spotsOf(ctx: RuleContext, kind: "identifier" | "string", name: string): Spot[] {
  let byKey = spots.get(ctx.tree);
  if (!byKey) spots.set(ctx.tree, (byKey = new Map()));
  const key = `${kind}\u0000${name}`;
  let list = byKey.get(key);
  if (list) return list;
  list = [];
  for (const n of nodesSpelled(ctx.tree, ctx.text, name)) {
    const type = n.type;
    if (kind === "identifier") {
      // Identifiers are leaves: document order is their start order.
      if (type === "identifier") list.push({ node: n, order: n.startIndex });
      continue;
    }
    // A string whose first string_content is exactly the name, in the strings' pre-order (their start).
    const str = type === "string_content" ? n.parent : null;
    if (str?.type !== "string") continue;
    const first = str.namedChildren.find((c) => c?.type === "string_content");
    if (first?.id === n.id) list.push({ node: n, order: str.startIndex });
  }
  list.sort((a, b) => a.order - b.order);
  byKey.set(key, list);
  return list;
}

function swapFix(ctx: RuleContext, model: ModelCost, s: SmallerModel): Fix {
  const ref = model.pretrained!;
  const edits: TextEdit[] = [];
  if (ref.hub === "huggingface") {
    // Written with an org prefix ("google-bert/…") → the alternative's org-prefixed name, else the short one.
    const alt = findCheckpoint(s.to);
    const name = ref.name.includes("/") ? (alt?.aliases.find((a) => a.includes("/")) ?? s.to) : s.to;
    for (const { node } of spotsOf(ctx, "string", ref.name)) edits.push({ range: rangeOf(node), newText: name });
    return { title: `Fine-tune ${name} instead of ${ref.name}`, edits, isPreferred: false };
  }
  if (ref.hub === "keras") return kerasSwapFix(ctx, ref.name, s.to);
  // torchvision: the builder name and its weights enum wherever they appear (imports included).
  const fromEnum = enumOf(ref.name);
  const [toEnum, toMember] = (s.weights ?? "").split(".");
  // Both names in document order, as one walk over the identifiers would meet them.
  const all = spotsOf(ctx, "identifier", ref.name).map((p) => ({ ...p, builder: true }));
  if (fromEnum && toEnum && fromEnum !== ref.name) {
    for (const p of spotsOf(ctx, "identifier", fromEnum)) all.push({ ...p, builder: false });
    all.sort((a, b) => a.order - b.order);
  }
  for (const { node: n, builder } of all) {
    if (builder) edits.push({ range: rangeOf(n), newText: s.to });
    else {
      edits.push({ range: rangeOf(n), newText: toEnum });
      // A pinned member (IMAGENET1K_V2) may not exist for the alternative: use the one the data names.
      const member = n.parent?.type === "attribute" ? n.parent.childForFieldName("attribute") : null;
      if (member && member.id !== n.id && member.text !== "DEFAULT" && toMember)
        edits.push({ range: rangeOf(member), newText: toMember });
    }
  }
  edits.push(...headWidthEdits(ctx, ref.name, s.to));
  return { title: `Fine-tune ${s.to} instead of ${ref.name}`, edits, isPreferred: false };
}

/**
 * A new head written with the backbone's width (`model.fc = nn.Linear(2048, 10)` after resnet50):
 * the swapped backbone hands its own width to that head, so the literal follows it (512 for
 * resnet18) — left as it was, the fixed script would fail on its first forward.
 */
function headWidthEdits(ctx: RuleContext, from: string, to: string): TextEdit[] {
  const [a, b] = [torchvisionZoo()[from]?.heads[0], torchvisionZoo()[to]?.heads[0]];
  if (!a || !b || a.inFeatures === b.inFeatures) return [];
  const top = a.path.split(".")[0];
  const edits: TextEdit[] = [];
  for (const n of nodesSpelled(ctx.tree, ctx.text, String(a.inFeatures))) {
    const call = n.type === "integer" && n.parent?.namedChildren[0]?.id === n.id ? n.parent.parent : null;
    if (call?.type !== "call" || !/Linear$/.test(call.childForFieldName("function")?.text ?? "")) continue;
    let up: Node | null = call;
    while (up && up.type !== "assignment" && up.type !== "expression_statement") up = up.parent;
    const left = up?.type === "assignment" ? up.childForFieldName("left") : null;
    if (left?.type === "attribute" && left.childForFieldName("attribute")?.text === top)
      edits.push({ range: rangeOf(n), newText: String(b.inFeatures) });
  }
  return edits;
}

/**
 * keras.applications: the class name wherever it is written, and its module where the script reaches
 * it through `applications` (`applications.resnet50.preprocess_input`, `from
 * keras.applications.resnet50 import ...`) or imports it by name (`from keras.applications import
 * resnet50`, then `resnet50.preprocess_input`), so the input preprocessing follows the model.
 */
function kerasSwapFix(ctx: RuleContext, from: string, to: string): Fix {
  const edits: TextEdit[] = spotsOf(ctx, "identifier", from).map(({ node }) => ({ range: rangeOf(node), newText: to }));
  const fromModule = findKerasApp(from)?.module;
  const toModule = findKerasApp(to)?.module;
  if (fromModule && toModule && fromModule !== toModule) {
    const spots = spotsOf(ctx, "identifier", fromModule).map((p) => p.node);
    const role = spots.map(moduleRole);
    // Imported by its own name: every plain use of that name is the module too.
    const bound = role.includes("binding");
    spots.forEach((node, i) => {
      if (role[i] !== "other" || (bound && isPlainName(node))) edits.push({ range: rangeOf(node), newText: toModule });
    });
  }
  return { title: `Fine-tune ${to} instead of ${from}`, edits, isPreferred: false };
}

const APPLICATIONS = /(^|\.)applications$/;

/** How an identifier spelled like a keras.applications module name is used. */
function moduleRole(node: Node): "path" | "binding" | "other" {
  const parent = node.parent;
  if (!parent) return "other";
  if (parent.type === "attribute") {
    const reached = parent.childForFieldName("attribute")?.id === node.id;
    return reached && APPLICATIONS.test(parent.childForFieldName("object")?.text ?? "") ? "path" : "other";
  }
  if (parent.type !== "dotted_name" || parent.lastNamedChild?.id !== node.id) return "other";
  // `from keras.applications.resnet50 import …` / `import keras.applications.resnet50`
  if (/(^|\.)applications\.\w+$/.test(parent.text)) return "path";
  // `from keras.applications import resnet50` (an alias keeps the script's own name for it)
  const stmt = parent.parent;
  if (stmt?.type === "import_from_statement" && parent.text === node.text) {
    const module = stmt.childForFieldName("module_name");
    if (module && module.id !== parent.id && APPLICATIONS.test(module.text)) return "binding";
  }
  return "other";
}

/** A name used on its own (`resnet50.preprocess_input`), not an attribute of something else or a keyword. */
function isPlainName(node: Node): boolean {
  const parent = node.parent;
  if (parent?.type === "attribute") return parent.childForFieldName("object")?.id === node.id;
  return parent?.type !== "keyword_argument" || parent.childForFieldName("value")?.id === node.id;
}

/** torchvision's weights enum for a builder: resnet50 → ResNet50_Weights, mobilenet_v3_large → MobileNet_V3_Large_Weights. */
function enumOf(builder: string): string | null {
  const known: Record<string, string> = {
    resnet18: "ResNet18_Weights",
    resnet34: "ResNet34_Weights",
    resnet50: "ResNet50_Weights",
    resnet101: "ResNet101_Weights",
    resnet152: "ResNet152_Weights",
    vgg16: "VGG16_Weights",
    vit_b_16: "ViT_B_16_Weights",
  };
  return known[builder] ?? null;
}
