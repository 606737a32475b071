// FP102: a file whose models are written with a framework the analysis does not model (JAX/Flax,
// MXNet, PaddlePaddle, scikit-learn, …) reports no model and no run; this says so at the import, so
// an empty report reads as "not analysed" rather than "nothing here costs anything".
import type { Node } from "web-tree-sitter";
import { topImports } from "../fixes/imports";
import { nodeRange } from "../parse/nodes";
import type { Rule, RuleFinding } from "./rule";

interface Family {
  name: string;
  /**
   * Deep-learning frameworks, classical estimators, and PyTorch-based libraries that build and
   * train the model inside their own code (`YOLO(...).train(...)`): the message differs.
   */
  kind: "deep" | "classical" | "trainer";
}

const JAX: Family = { name: "JAX", kind: "deep" };
const GBDT: Family = { name: "gradient-boosting", kind: "classical" };
const OPENMMLAB: Family = { name: "OpenMMLab", kind: "trainer" };

/** Top-level package → the family it belongs to. */
const FAMILIES = new Map<string, Family>([
  ["jax", JAX],
  ["jaxlib", JAX],
  ["flax", JAX],
  ["haiku", JAX],
  ["equinox", JAX],
  ["optax", JAX],
  ["objax", JAX],
  ["trax", JAX],
  ["elegy", JAX],
  ["mxnet", { name: "Apache MXNet", kind: "deep" }],
  ["paddle", { name: "PaddlePaddle", kind: "deep" }],
  ["mindspore", { name: "MindSpore", kind: "deep" }],
  ["oneflow", { name: "OneFlow", kind: "deep" }],
  ["chainer", { name: "Chainer", kind: "deep" }],
  ["theano", { name: "Theano", kind: "deep" }],
  ["cntk", { name: "CNTK", kind: "deep" }],
  ["dynet", { name: "DyNet", kind: "deep" }],
  ["caffe", { name: "Caffe", kind: "deep" }],
  ["caffe2", { name: "Caffe2", kind: "deep" }],
  ["tinygrad", { name: "tinygrad", kind: "deep" }],
  ["mlx", { name: "Apple MLX", kind: "deep" }],
  ["ultralytics", { name: "Ultralytics YOLO", kind: "trainer" }],
  ["fastai", { name: "fastai", kind: "trainer" }],
  ["detectron2", { name: "Detectron2", kind: "trainer" }],
  ["mmdet", OPENMMLAB],
  ["mmseg", OPENMMLAB],
  ["mmpretrain", OPENMMLAB],
  ["mmengine", OPENMMLAB],
  ["sentence_transformers", { name: "Sentence Transformers", kind: "trainer" }],
  ["sklearn", { name: "scikit-learn", kind: "classical" }],
  ["xgboost", GBDT],
  ["lightgbm", GBDT],
  ["catboost", GBDT],
]);

/**
 * scikit-learn modules that hold estimators. A script that only imports `sklearn.metrics` or
 * `train_test_split` is preparing data or scoring, not training with scikit-learn.
 */
const SKLEARN_ESTIMATORS = new Set([
  "cluster",
  "discriminant_analysis",
  "ensemble",
  "gaussian_process",
  "kernel_ridge",
  "linear_model",
  "mixture",
  "naive_bayes",
  "neighbors",
  "neural_network",
  "svm",
  "tree",
]);

export const frameworkNotModelled: Rule = {
  code: "FP102",
  title: "Framework the analysis does not model",
  defaultSeverity: "information",
  check({ tree, models, runs }) {
    // A sized model means the file is analysed; a stray `import jax` there is not news. A run with no
    // model is still reported: an MXNet `loss.backward()` loop is found as a loop, but not sized.
    if (models.length > 0 || runs.some((r) => r.spec.model !== null)) return [];
    // The module's imports as the fixes read them: top-level ones and those in import guards
    // (`try: import mxnet as mx / except ImportError: …`), in document order.
    const top = topImports(tree);
    const imports = [...top.imports, ...top.guarded].map((x) => x.node).sort((x, y) => x.startIndex - y.startIndex);
    const first = new Map<Family, { node: Node; packages: Set<string> }>();
    for (const stmt of imports) {
      for (const pkg of importedPackages(stmt)) {
        const fam = FAMILIES.get(pkg);
        if (!fam) continue;
        const seen = first.get(fam);
        if (seen) seen.packages.add(pkg);
        else first.set(fam, { node: stmt, packages: new Set([pkg]) });
      }
    }
    const out: RuleFinding[] = [];
    for (const [fam, { node, packages }] of first) {
      out.push({ message: message(fam, [...packages]), range: nodeRange(node) });
    }
    return out;
  },
};

function message(fam: Family, packages: string[]): string {
  const names = packages.join(", ");
  const what = `${fam.name} (${names})`;
  if (fam.kind === "trainer")
    return `${what} builds and trains its models inside the library, which the analysis does not follow, so this file's models and training are not counted`;
  if (fam.kind === "classical")
    return `${what} models are not costed: Footprint Lint prices neural-network training in PyTorch, TensorFlow/Keras, Hugging Face and Lightning, so this file reports no model or training run`;
  return `${what} code is not analysed: Footprint Lint models PyTorch, TensorFlow/Keras, Hugging Face and Lightning, so this file's models and training are not counted`;
}

/** The top-level packages an import statement names as models come from (`sklearn` only with estimators). */
function importedPackages(stmt: Node): string[] {
  const out: string[] = [];
  if (stmt.type === "future_import_statement") return out;
  if (stmt.type === "import_statement") {
    for (const c of stmt.namedChildren) {
      const dotted = c?.type === "aliased_import" ? c.childForFieldName("name") : c;
      if (dotted?.type === "dotted_name") out.push(...keep(dotted.text.split("."), []));
    }
    return out;
  }
  const mod = stmt.childForFieldName("module_name");
  if (mod?.type !== "dotted_name") return out; // relative imports are the project's own
  const names = stmt
    .childrenForFieldName("name")
    .map((n) => (n?.type === "aliased_import" ? n.childForFieldName("name") : n)?.text ?? "");
  return keep(mod.text.split("."), names);
}

/** `parts` of the module path, `names` imported from it: the family key when it names a model library. */
function keep(parts: string[], names: string[]): string[] {
  const root = parts[0];
  if (!FAMILIES.has(root)) return [];
  if (root !== "sklearn") return [root];
  const sub = parts[1];
  if (sub !== undefined) return SKLEARN_ESTIMATORS.has(sub) ? [root] : [];
  return names.some((n) => SKLEARN_ESTIMATORS.has(n)) ? [root] : [];
}
