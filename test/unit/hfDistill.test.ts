// A Trainer subclass overriding compute_loss (test/fixtures/runs/hf/distil_sst2_teacher.py): the
// teacher it runs each training step is priced as one forward per sample, beside the student's
// forward and backward (Trainer.training_step calls compute_loss once per batch).
import assert from "node:assert/strict";
import { test } from "node:test";
import { linearParams } from "./evaluateHelpers";
import { analyzeText, fixtureText, row, split, useAnalyzer } from "./helpers/probeRuns";

useAnalyzer();
const SCRIPT = () => fixtureText("hf/distil_sst2_teacher.py");

test("the teacher in compute_loss runs forward on every training sample (1×), the student trains (3×)", () => {
  const a = analyzeText(SCRIPT());
  const teacher = a.models.find((m) => m.name === "teacher");
  const student = a.models.find((m) => m.name === "student");
  assert.ok(teacher && student);
  // BertForSequenceClassification: BertModel (with pooler) + a 1024 → 2 classifier.
  assert.equal(teacher.params, row("bert-large-uncased").published.params + linearParams(1024, 2));
  assert.ok(teacher.forwardFlops !== null && student.forwardFlops !== null);
  // Traced on the tokenized batch: both at max_length=128.
  assert.deepEqual(teacher.inputShape, [128]);
  const r = a.runs[0];
  assert.equal(a.runs.length, 1);
  assert.equal(r.spec.model, "student");
  assert.equal(r.spec.trainSamples, split("glue", "train", "sst2"));
  // Forward-only cost folded in as a third of a trained forward (3× → 1×), as for a torch loop's teacher.
  assert.equal(r.spec.forwardFlops, student.forwardFlops + teacher.forwardFlops / 3);
  assert.ok(r.spec.evidence.some((e) => /model teacher runs forward-only/.test(e)));
});

test("without the override the teacher is not priced; with autograd on, the unpriced backward is said", () => {
  const plain = analyzeText(SCRIPT().replace("def compute_loss(", "def _unused_compute_loss("));
  const student = plain.models.find((m) => m.name === "student");
  assert.equal(plain.runs[0].spec.forwardFlops, student?.forwardFlops);
  const graph = analyzeText(
    SCRIPT().replace(
      "        with torch.no_grad():\n            teacher_logits",
      "        if True:\n            teacher_logits",
    ),
  );
  assert.ok(graph.unknowns?.some((u) => /compute_loss runs a model with autograd on/.test(u.message)));
});
