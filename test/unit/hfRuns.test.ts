// Hugging Face runs end to end through the Analyzer: Trainer + TrainingArguments + datasets on the
// fixtures in test/fixtures/runs/hf and the shipped example. Expected schedules are read from the
// script text, sample counts from the dataset catalog, parameter counts from torch.nn's formulas.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import type { TraceEvent } from "../../server/src/analysis/evaluate/trace";
import { priceRun } from "../../server/src/analysis/footprint/priceRun";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { sampleCounts } from "../../server/src/analysis/footprint/energyModel";
import { findDataset } from "../../server/src/analysis/run/datasetCatalog";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { linearParams, run } from "./evaluateHelpers";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

const read = (p: string) => readFileSync(join(process.cwd(), p), "utf8");
const analyze = (text: string) =>
  analyzer.analyze({ path: "/w/train.py", text, settings: DEFAULT_SETTINGS, workspace: EMPTY_WORKSPACE }).analysis;
/** A number the script writes after `pattern` (the script is the oracle for its own schedule). */
const scriptNumber = (text: string, pattern: RegExp): number => {
  const m = pattern.exec(text);
  if (!m) throw new Error(`not in the script: ${pattern}`);
  return Number(m[1]);
};
const hfEvent = (trace: TraceEvent[]) => {
  const e = trace.find((x): x is Extract<TraceEvent, { kind: "hfTrainer" }> => x.kind === "hfTrainer");
  assert.ok(e, "an hfTrainer event");
  return e;
};
const catalogSamples = (name: string, split: string, config?: string) => {
  const n = findDataset(`hf:${name}`, { split, config })?.samples;
  assert.ok(typeof n === "number", `${name} ${split} in the catalog`);
  return n;
};

test("custom encoder under the Trainer: schedule from TrainingArguments, samples from select(range(n)), priced", () => {
  const text = read("test/fixtures/runs/hf/imdb_custom_encoder.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const r = a.runs[0];
  const { spec } = r;
  assert.equal(spec.framework, "transformers");
  assert.equal(spec.epochs, scriptNumber(text, /num_train_epochs=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /per_device_train_batch_size=(\d+)/));
  assert.equal(spec.gradientAccumulation, scriptNumber(text, /gradient_accumulation_steps=(\d+)/));
  const selected = scriptNumber(text, /\["train"\][^\n]*select\(range\((\d+)\)\)/);
  assert.ok(selected <= catalogSamples("imdb", "train"));
  assert.equal(spec.trainSamples, selected);
  assert.equal(spec.tokensPerSample, scriptNumber(text, /SEQ_LEN = (\d+)/));
  assert.equal(spec.precision, "bf16-mixed");
  // Params: embeddings + 4 encoder layers (12d² + 13d each: in/out projections, FFN, two LayerNorms) + head.
  const d = scriptNumber(text, /D_MODEL = (\d+)/);
  const vocab = scriptNumber(text, /VOCAB = (\d+)/);
  const seq = scriptNumber(text, /SEQ_LEN = (\d+)/);
  const expected = vocab * d + seq * d + 4 * (12 * d * d + 13 * d) + linearParams(d, 2);
  assert.equal(spec.params, expected);
  const m = a.models.find((x) => x.name === spec.model);
  assert.ok(m);
  assert.deepEqual(m.inputShape, [seq], "traced on one tokenized sample");
  assert.equal(spec.forwardFlops, m.forwardFlops);
  assert.ok(r.energyKWh && r.co2eKg && r.timeHours);
  assert.ok(r.energyKWh.low > 0 && r.energyKWh.high >= r.energyKWh.low);
  assert.deepEqual(r.energyKWh, priceRun(spec, DEFAULT_SETTINGS).energyKWh);
  assert.deepEqual(r.unknowns, []);
});

test("the shipped SST-2 example: GLUE sst2 train split, max_length tokens, eval each epoch", async () => {
  const text = read("examples/hf_sst2_finetune.py");
  const a = analyze(text);
  assert.equal(a.runs.length, 1);
  const { spec } = a.runs[0];
  assert.equal(spec.epochs, scriptNumber(text, /num_train_epochs=(\d+)/));
  assert.equal(spec.batchSize, scriptNumber(text, /per_device_train_batch_size=(\d+)/));
  assert.equal(spec.trainSamples, catalogSamples("glue", "train", "sst2"));
  assert.equal(spec.tokensPerSample, scriptNumber(text, /MAX_LENGTH = (\d+)/));
  assert.equal(spec.device?.kind, "gpu");
  const e = hfEvent((await run(text)).trace);
  assert.equal(e.evalEachEpoch, true);
  // eval_strategy="epoch" on encoded["validation"]: one forward per validation row each epoch.
  assert.equal(spec.valSamples, catalogSamples("glue", "validation", "sst2"));
  // The checkpoint's size comes from the model zoo; without it the run says why it is not priced.
  if (spec.params === null) assert.ok(spec.unknowns.some((u) => /forward FLOPs|no model/.test(u.message)));
  else assert.ok(a.runs[0].energyKWh);
});

test("max_steps, train_test_split sizes and fp16 from a pretrained fine-tune", () => {
  const text = read("test/fixtures/runs/hf/ag_news_steps.py");
  const { spec } = analyze(text).runs[0];
  assert.equal(spec.maxSteps, scriptNumber(text, /max_steps=(\d+)/));
  assert.equal(spec.epochs, null);
  const total = catalogSamples("ag_news", "train");
  const testSize = scriptNumber(text, /test_size=([\d.]+)/);
  // datasets: n_test = ceil(test_size × n), n_train = n − n_test.
  assert.equal(spec.trainSamples, total - Math.ceil(testSize * total));
  assert.equal(spec.tokensPerSample, scriptNumber(text, /max_length=(\d+)/));
  assert.equal(spec.precision, "fp16-mixed");
  // eval_strategy="steps", eval_steps=500 over max_steps=3000: six evaluations of the held-out split.
  const evalRows = Math.ceil(testSize * total);
  const counts = sampleCounts(spec, 1);
  assert.ok("eval" in counts);
  const evaluations = scriptNumber(text, /max_steps=(\d+)/) / scriptNumber(text, /eval_steps=(\d+)/);
  assert.ok(Math.abs(counts.eval - evaluations * evalRows) <= 1, `${counts.eval} vs ${evaluations * evalRows}`);
});

const SNIPPET = (body: string) => `
from datasets import load_dataset
from transformers import AutoTokenizer, Trainer, TrainingArguments, Seq2SeqTrainer, Seq2SeqTrainingArguments
tok = AutoTokenizer.from_pretrained("gpt2")
${body}
`;

test("split slices, DatasetDict keys, filter and regrouping maps", async () => {
  const slice = hfEvent(
    (
      await run(
        SNIPPET(`ds = load_dataset("imdb", split="train[:10%]")
Trainer(model=None, args=TrainingArguments("o"), train_dataset=ds).train()`),
      )
    ).trace,
  );
  assert.equal(slice.trainSamples, Math.round(catalogSamples("imdb", "train") / 10));
  assert.equal(slice.epochs, null, "num_train_epochs left at the library default");
  assert.equal(slice.batchSize, null);

  const val = hfEvent(
    (
      await run(
        SNIPPET(`raw = load_dataset("glue", "mrpc")
Trainer(model=None, args=TrainingArguments("o", per_device_train_batch_size=4), train_dataset=raw["validation"]).train()`),
      )
    ).trace,
  );
  assert.equal(val.trainSamples, catalogSamples("glue", "validation", "mrpc"));
  assert.equal(val.batchSize, 4);

  const filtered = await run(
    SNIPPET(`ds = load_dataset("imdb", split="train").filter(lambda ex: len(ex["text"]) > 100)
Trainer(model=None, args=TrainingArguments("o"), train_dataset=ds).train()`),
  );
  assert.equal(hfEvent(filtered.trace).trainSamples, null);
  assert.ok(filtered.unknowns.some((u) => /filter/.test(u.message)));

  const grouped = await run(
    SNIPPET(`block_size = 128
raw = load_dataset("wikitext", "wikitext-2-raw-v1")
tokenized = raw.map(lambda ex: tok(ex["text"]), batched=True, remove_columns=["text"])
def group_texts(examples):
    concatenated = {k: sum(examples[k], []) for k in examples.keys()}
    total = (len(concatenated["input_ids"]) // block_size) * block_size
    return {k: [t[i : i + block_size] for i in range(0, total, block_size)] for k, t in concatenated.items()}
lm = tokenized.map(group_texts, batched=True)
Trainer(model=None, args=TrainingArguments("o"), train_dataset=lm["train"]).train()`),
  );
  assert.equal(hfEvent(grouped.trace).trainSamples, null, "regrouped rows are not the line count");
  assert.ok(grouped.unknowns.some((u) => /number of rows/.test(u.message)));
});

/** A causal-LM script whose group_texts cuts the concatenated ids by `step`, defined by `setup`. */
const CLM = (setup: string, step: string) => `
import argparse
from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments
${setup}
tok = AutoTokenizer.from_pretrained("gpt2")
raw = load_dataset("wikitext", "wikitext-2-raw-v1")
tokenized = raw.map(lambda batch: tok(batch["text"]), batched=True, remove_columns=["text"])


def chunk(examples):
    joined = {k: sum(examples[k], []) for k in examples.keys()}
    usable = (len(joined["input_ids"]) // ${step}) * ${step}
    out = {k: [ids[p : p + ${step}] for p in range(0, usable, ${step})] for k, ids in joined.items()}
    out["labels"] = out["input_ids"].copy()
    return out


lm = tokenized.map(chunk, batched=True)
model = AutoModelForCausalLM.from_pretrained("gpt2")
Trainer(model=model, args=TrainingArguments("o", num_train_epochs=1), train_dataset=lm["train"]).train()
`;

test("regrouping: the step that cuts the concatenated ids is the tokens per sample, whatever it is called", () => {
  const cases: Array<[string, string]> = [
    ["WINDOW = 384", "WINDOW"],
    ["BLOCK_SIZE = 256", "BLOCK_SIZE"],
    [
      'parser = argparse.ArgumentParser()\nparser.add_argument("--ctx", type=int, default=320)\nargs = parser.parse_args()',
      "args.ctx",
    ],
    ["", "192"],
  ];
  for (const [setup, step] of cases) {
    const text = CLM(setup, step);
    const a = analyze(text);
    assert.equal(a.runs.length, 1, step);
    const spec = a.runs[0]!.spec;
    const written = scriptNumber(text, /(?:= |default=|, usable, )(\d+)/);
    assert.equal(spec.tokensPerSample, written, step);
    assert.ok(
      spec.evidence.some((e) => e.includes(`${step} = ${written}`)),
      spec.evidence.join("\n"),
    );
    // Resolved: neither the block length nor the tokenizer's open length is left as an unknown.
    const unknowns = [...(a.unknowns ?? []), ...spec.unknowns].map((u) => u.message);
    assert.ok(!unknowns.some((m) => /tokens per sample|sequence length/.test(m)), unknowns.join("\n"));
  }
});

test("Seq2SeqTrainer, unknown local datasets and hyperparameter_search", async () => {
  const s2s = await run(
    SNIPPET(`ds = load_dataset("json", data_files="train.jsonl")["train"]
args = Seq2SeqTrainingArguments("o", num_train_epochs=2, bf16=True)
Seq2SeqTrainer(model=None, args=args, train_dataset=ds).train()`),
  );
  const e = hfEvent(s2s.trace);
  assert.equal(e.epochs, 2);
  assert.equal(e.precision, "bf16-mixed");
  assert.equal(e.trainSamples, null);
  assert.ok(s2s.unknowns.some((u) => /not in the dataset catalog/.test(u.message) && /samples/.test(u.hint ?? "")));

  const search = await run(
    SNIPPET(`ds = load_dataset("imdb", split="train")
t = Trainer(model_init=lambda: None, args=TrainingArguments("o"), train_dataset=ds)
t.hyperparameter_search(direction="maximize", n_trials=8)`),
  );
  const sweep = search.trace.find((x) => x.kind === "sweep");
  assert.ok(sweep && sweep.kind === "sweep");
  assert.equal(sweep.trials, 8);
  assert.ok(search.trace.some((x) => x.kind === "hfTrainer"));
});
