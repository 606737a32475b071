// FP130: fine-tuning a checkpoint that has a catalogued smaller / distilled alternative
// (bert-base-uncased → distilbert-base-uncased, gpt2 → distilgpt2, resnet50 → resnet18 …). The
// message prices the alternative with the run's own schedule and quotes the published quality
// delta; the fix swaps the checkpoint string (every identical literal, so a tokenizer loaded from
// the same name follows) or the torchvision builder and its weights enum.
import type { Node, Tree } from "web-tree-sitter";
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
      const fix = validated(ctx, swapFix(ctx, model, s));
      out.push({
        message:
          `Fine-tunes ${s.from} (${millions(model.params)} params): ${s.to} (${millions(s.params)}) ` +
          `${saving ? `would train ${saving}` : "is smaller for the same task"}; ${quality}. ` +
          "Swap the checkpoint, or distil into it with the larger model as teacher",
        range: model.range,
        fixes: fix ? [fix] : [],
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
  return { title: `Fine-tune ${s.to} instead of ${ref.name}`, edits, isPreferred: false };
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
