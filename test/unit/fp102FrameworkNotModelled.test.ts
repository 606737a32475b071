// FP102 names the framework a file's models are written in when the analysis does not model it
// (JAX/Flax, MXNet, scikit-learn estimators, …), at its import, and stays quiet where the file is
// analysed (a PyTorch model beside a scikit-learn baseline) or only scores with scikit-learn.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { Finding } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";

const DIR = join(process.cwd(), "test", "fixtures", "rules", "unmodelled");
let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function fp102(text: string): Finding[] {
  const { analysis } = analyzer.analyze({
    path: "/p/s.py",
    text,
    settings: DEFAULT_SETTINGS,
    workspace: EMPTY_WORKSPACE,
  });
  return analysis.findings.filter((f) => f.code === "FP102");
}
const fixture = (name: string) => readFileSync(join(DIR, name), "utf8");

test("a Flax script: one finding for the JAX family at its first import, naming every package", () => {
  const found = fp102(fixture("flax_mnist.py"));
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, "information");
  assert.equal(found[0].range.start.line, 3); // `import jax`, after the docstring and functools
  assert.match(found[0].message, /^JAX \(jax, optax, flax\) code is not analysed: Footprint Lint models PyTorch/);
});

test("an MXNet loop found as a run with no model still gets the finding, at the import inside try:", () => {
  const found = fp102(fixture("mxnet_gluon_guarded.py"));
  assert.equal(found.length, 1);
  assert.equal(found[0].range.start.line, 2);
  assert.match(found[0].message, /^Apache MXNet \(mxnet\) code is not analysed/);
});

test("scikit-learn: estimators count, metrics and splits alone do not", () => {
  const forest = fp102(fixture("sklearn_forest.py"));
  assert.equal(forest.length, 1);
  assert.equal(forest[0].range.start.line, 2); // from sklearn.ensemble import …, not pandas
  assert.match(forest[0].message, /^scikit-learn \(sklearn\) models are not costed/);
  assert.deepEqual(fp102(fixture("sklearn_metrics_only.py")), []);
  assert.equal(fp102("from sklearn import svm\nclf = svm.SVC().fit(X, y)\n").length, 1);
  assert.deepEqual(fp102("from sklearn import metrics\nprint(metrics.f1_score(a, b))\n"), []);
});

test("quiet where the file is analysed: a PyTorch model beside a scikit-learn baseline", () => {
  assert.deepEqual(fp102(fixture("torch_with_sklearn_baseline.py")), []);
});

test("families are reported once each; relative imports and look-alike names are not frameworks", () => {
  const found = fp102(
    "import xgboost as xgb\nimport lightgbm\nimport paddle\nfrom .jax import helpers\nimport jaxtyping\n",
  );
  assert.deepEqual(
    found.map((f) => [f.range.start.line, f.message.split(" code")[0].split(" models")[0]]),
    [
      [0, "gradient-boosting (xgboost, lightgbm)"],
      [2, "PaddlePaddle (paddle)"],
    ],
  );
});

test("suppressed like any rule", () => {
  assert.deepEqual(fp102("import jax  # footprint: ignore[FP102]\n"), []);
});

test("a library that trains inside its own code (Ultralytics YOLO) is named as such", () => {
  const found = fp102(
    'from ultralytics import YOLO\n\nmodel = YOLO("yolov8n.pt")\nmodel.train(data="coco128.yaml", epochs=100, imgsz=640)\n',
  );
  assert.equal(found.length, 1);
  assert.equal(
    found[0].message,
    "Ultralytics YOLO (ultralytics) builds and trains its models inside the library, which the analysis does not follow, so this file's models and training are not counted",
  );
});
