// Unseen-style Hugging Face scripts (Trainer, Seq2SeqTrainer, trl, peft, datasets): the training run each
// one really does, worked out by hand from the libraries' documented semantics, against the analyzer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeText, fixtureText, onlyRun, row, seen, split, useAnalyzer } from "./helpers/probeRuns";
import { linearParams } from "./evaluateHelpers";

useAnalyzer();
const sftText = () => fixtureText("hf/gpt2_sft_packing.py");

test("Seq2SeqTrainer t5-small on SAMSum: max_steps overrides num_train_epochs; eval every 250 steps", () => {
  const r = onlyRun("hf/samsum_t5_generate.py");
  // TrainingArguments.max_steps: "overrides num_train_epochs" → 1500 steps × 16 per device × 4 accumulated.
  assert.equal(r.spec.maxSteps, 1500);
  const s = seen(r);
  assert.equal(s.train, 1500 * 16 * 4);
  // eval_strategy="steps", eval_steps=250: evaluations at steps 250, 500, …, 1500 = 6 × the validation split.
  assert.equal(s.eval, 6 * split("samsum", "validation"));
  assert.equal(r.spec.trainSamples, split("samsum", "train"));
  // T5ForConditionalGeneration t5-small: 60,506,624 (config.json dimensions, tied head).
  assert.equal(r.spec.params, row("t5-small").published.params);
  assert.equal(r.spec.precision, "bf16-mixed");
});

test("Trainer with EarlyStoppingCallback: 8 epochs priced as an upper bound, step-wise eval counted", () => {
  const r = onlyRun("hf/emotion_early_stopping.py");
  const train = split("emotion", "train");
  const s = seen(r);
  assert.equal(s.train, 8 * train);
  // 16,000 / 64 = 250 steps an epoch, 2,000 steps in all, eval_steps=100 → 20 evaluations of 2,000 rows,
  // then trainer.evaluate(encoded["test"]) runs the 2,000 test rows once.
  assert.equal(s.eval, Math.floor((8 * train) / 64 / 100) * split("emotion", "validation") + split("emotion", "test"));
  assert.ok(r.spec.evidence.some((e) => /EarlyStoppingCallback.*upper bound/.test(e)));
  // RobertaForSequenceClassification: RobertaModel without its pooler (768² + 768) plus the
  // RobertaClassificationHead (dense 768→768, out_proj 768→6).
  const base = row("roberta-base").published.params - linearParams(768, 768);
  assert.equal(r.spec.params, base + linearParams(768, 768) + linearParams(768, 6));
});

test("trainer.add_callback(EarlyStoppingCallback(...)) is seen like callbacks=[...]", () => {
  const text = fixtureText("hf/emotion_early_stopping.py")
    .replace("    callbacks=[EarlyStoppingCallback(early_stopping_patience=3)],\n", "")
    .replace(
      "trainer.train()",
      "trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=3))\ntrainer.train()",
    );
  assert.ok(text.includes("add_callback"));
  const spec = analyzeText(text).runs[0].spec;
  assert.ok(spec.evidence.some((e) => /EarlyStoppingCallback.*upper bound/.test(e)));
  const without = text.replace("trainer.add_callback(EarlyStoppingCallback(early_stopping_patience=3))\n", "");
  const plain = analyzeText(without).runs[0].spec;
  assert.ok(!plain.evidence.some((e) => /EarlyStopping/.test(e)));
});

test("eval_steps as a ratio (< 1) of the total steps: every ceil(total × ratio) steps", () => {
  const hf = fixtureText("hf/emotion_early_stopping.py");
  // 8 epochs × 16,000 / 64 = 2,000 steps; eval_steps=0.1 → every ceil(200) steps → 10 evaluations.
  const r = analyzeText(hf.replace("eval_steps=100", "eval_steps=0.1")).runs[0];
  assert.equal(seen(r).eval, 10 * split("emotion", "validation") + split("emotion", "test"));
  // max_steps 1,500 with eval_steps=0.15 → every ceil(225) steps → floor(1500 / 225) = 6 evaluations.
  const t5 = fixtureText("hf/samsum_t5_generate.py");
  const r2 = analyzeText(t5.replace("eval_steps=250", "eval_steps=0.15")).runs[0];
  assert.equal(seen(r2).eval, 6 * split("samsum", "validation"));
  // Before: a float eval_steps left evaluation unpriced ("evaluations per epoch unknown").
  assert.ok(r2.spec.evidence.some((e) => /a ratio/.test(e)));
});

test("trainer.evaluate() / predict(ds), before or after train(): one forward pass over their rows each", () => {
  const hf = fixtureText("hf/emotion_early_stopping.py");
  const during = 20 * split("emotion", "validation");
  const evalOf = (text: string) => seen(analyzeText(text).runs[0]).eval;
  // Before: none of these passes was counted.
  assert.equal(evalOf(hf.replace('print(trainer.evaluate(encoded["test"]))', "")), during);
  // evaluate() with no dataset runs the Trainer's own eval_dataset (the validation split).
  assert.equal(
    evalOf(hf.replace('print(trainer.evaluate(encoded["test"]))', "trainer.evaluate()")),
    during + split("emotion", "validation"),
  );
  // A baseline evaluate() before train() and a predict() after both count.
  const both = hf
    .replace("trainer.train()", "trainer.evaluate()\ntrainer.train()")
    .replace('print(trainer.evaluate(encoded["test"]))', 'trainer.predict(encoded["test"])');
  assert.equal(evalOf(both), during + split("emotion", "validation") + split("emotion", "test"));
});

test("LoRA r=16 on every Qwen2.5-0.5B projection: trainable = the adapters, from the config's sizes", () => {
  const r = onlyRun("hf/qwen_lora_clm.py");
  const c = row("Qwen/Qwen2.5-0.5B").config as unknown as Record<string, number>;
  // LoRA adds A (r × in) and B (out × r) per targeted Linear: r·(in + out) (Hu et al. 2021; peft LoraLayer).
  const kv = (c.hidden / c.heads) * c.kvHeads; // k_proj / v_proj output: head_dim × num_key_value_heads = 128
  const perLayer =
    16 *
    (2 * (c.hidden + c.hidden) + 2 * (c.hidden + kv) + 2 * (c.hidden + c.intermediate) + (c.intermediate + c.hidden));
  assert.equal(r.spec.trainableParams, c.layers * perLayer);
  assert.equal(r.spec.trainableParams, 8_798_208);
  // Dataset.filter drops an unknown number of wikitext rows: the samples are unknown, never guessed.
  assert.equal(r.spec.trainSamples, null);
  assert.ok(r.spec.unknowns.some((u) => /training samples/.test(u.message)));
  assert.equal(r.energyKWh, null);
});

test("select(range(20000)) → train_test_split(0.1) → shard(4, 0): 4,500 rows trained twice", () => {
  const r = onlyRun("hf/imdb_select_split_shard.py");
  // datasets: n_test = ceil(0.1 × 20,000) = 2,000, n_train = 18,000; shard 0 of 4 holds ceil(18,000 / 4).
  assert.equal(r.spec.trainSamples, 4500);
  const s = seen(r);
  assert.equal(s.train, 2 * 4500);
  assert.equal(s.eval, 2 * 2000);
});

test("Dataset.shard: the first len % n shards hold one row more, the others len // n", () => {
  const text = fixtureText("hf/imdb_select_split_shard.py").replace("select(range(20000))", "select(range(20003))");
  // 20,003 rows: n_test = ceil(0.1 × 20,003) = 2,001, n_train = 18,002; 18,002 = 4 × 4,500 + 2, so
  // shards 0 and 1 hold 4,501 rows and shards 2 and 3 hold 4,500 (datasets Dataset.shard, contiguous).
  const rows = (id: number) => analyzeText(text.replace("SHARD_ID = 0", `SHARD_ID = ${id}`)).runs[0].spec.trainSamples;
  assert.deepEqual([0, 1, 2, 3].map(rows), [4501, 4501, 4500, 4500]);
});

test("hand-written loop with model(**batch).loss and a step cap: 1,000 steps of 16", () => {
  const r = onlyRun("hf/rotten_tomatoes_manual_loop.py");
  // 8,530 / 16 → 534 batches an epoch, so 3 epochs (1,602) overrun the 1,000-step cap: the cap binds.
  assert.equal(r.spec.maxSteps, 1000);
  assert.equal(seen(r).train, 1000 * 16);
  assert.equal(r.spec.precision, "fp16-mixed");
});

test("SFTTrainer packing=True: blocks of max_seq_length tokens, their count unknown (not the 14,732 rows)", () => {
  // trl packs the formatted rows end to end and cuts blocks of exactly max_seq_length tokens, so
  // the samples are the corpus's tokens / 1024. Before: 14,732 rows priced at 1024 tokens each, silently.
  const a = analyzeText(sftText());
  const { spec } = a.runs[0];
  assert.equal(spec.tokensPerSample, 1024);
  assert.equal(spec.trainSamples, null);
  assert.equal(a.runs[0].energyKWh, null);
  assert.ok(
    (a.unknowns ?? []).some(
      (u) => /packing=True.*blocks of 1024 tokens/.test(u.message) && /samples N/.test(u.hint ?? ""),
    ),
  );
  // The model is traced on one 1024-token block; the samples directive then prices it.
  assert.deepEqual(a.models[0].inputShape, [1024]);
  const priced = analyzeText(`# footprint: samples 5000\n${sftText()}`).runs[0];
  assert.equal(seen(priced).train, 2 * 5000);
  assert.ok(priced.energyKWh !== null);
});

test("SFTTrainer without packing truncates each row at max_length: rows × at most that many tokens", () => {
  const text = sftText().replace("    packing=True,\n", "");
  const { spec } = analyzeText(text).runs[0];
  assert.equal(spec.trainSamples, split("samsum", "train"));
  assert.equal(spec.tokensPerSample, 1024);
  assert.ok(spec.evidence.some((e) => /truncation at max_length=1024 \(an upper bound\)/.test(e)));
  // SFTConfig(max_length=...) (trl ≥ 0.16) sets it the same way; without any, trl's 1024 default.
  const cfg = text
    .replace("from trl import SFTTrainer", "from trl import SFTConfig, SFTTrainer")
    .replace("training_args = TrainingArguments(", "training_args = SFTConfig(\n    max_length=256,")
    .replace("    max_seq_length=1024,\n", "");
  assert.equal(analyzeText(cfg).runs[0].spec.tokensPerSample, 256);
  const bare = text.replace("    max_seq_length=1024,\n", "");
  assert.equal(analyzeText(bare).runs[0].spec.tokensPerSample, 1024);
});

test("resume_from_checkpoint / ckpt_path: the full schedule is priced and said to be an upper bound", () => {
  const hf = fixtureText("hf/emotion_early_stopping.py");
  const resumedNote = (text: string) =>
    analyzeText(text).runs[0].spec.evidence.some((e) => /resumed run trains only the schedule after/.test(e));
  assert.ok(resumedNote(hf.replace("trainer.train()", "trainer.train(resume_from_checkpoint=True)")));
  assert.ok(resumedNote(hf.replace("trainer.train()", 'trainer.train("./roberta-emotion/checkpoint-500")')));
  assert.ok(!resumedNote(hf.replace("trainer.train()", "trainer.train(resume_from_checkpoint=None)")));
  assert.ok(!resumedNote(hf));
  const lit = fixtureText("lightning/cifar_dm_full_trainer.py");
  assert.ok(
    resumedNote(
      lit.replace("trainer.fit(model, datamodule=dm)", 'trainer.fit(model, datamodule=dm, ckpt_path="last")'),
    ),
  );
  assert.ok(!resumedNote(lit));
  // The numbers stay those of the whole schedule (112,640 samples, see above).
  const r = analyzeText(lit.replace("datamodule=dm)\n", 'datamodule=dm, ckpt_path="last")\n')).runs[0];
  assert.equal(seen(r).train, 10 * 88 * 64 * 2);
});

test("return_overflowing_tokens=True: the example count is kept as a lower bound, and said so", () => {
  const text = fixtureText("hf/squad_overflow_qa.py");
  const a = analyzeText(text);
  // A context longer than 384 tokens becomes several windows, so features ≥ SQuAD's 87,599 examples.
  // Before: 87,599 priced as the exact row count, with nothing said.
  assert.equal(a.runs[0].spec.trainSamples, split("squad", "train"));
  assert.ok((a.unknowns ?? []).some((u) => /return_overflowing_tokens=True.*lower bound/.test(u.message)));
  // BertForQuestionAnswering: BERT without its pooler (768² + 768) plus qa_outputs (768 → 2).
  const bert = row("bert-base-uncased").published.params;
  assert.equal(a.runs[0].spec.params, bert - linearParams(768, 768) + linearParams(768, 2));
  // The directive states the feature count when it is known.
  const stated = analyzeText(`# footprint: samples 88524\n${text}`).runs[0];
  assert.equal(stated.spec.trainSamples, 88524);
  // Without overflow the same map says nothing of the kind.
  const plain = analyzeText(text.replace("        return_overflowing_tokens=True,\n", ""));
  assert.ok(!(plain.unknowns ?? []).some((u) => /return_overflowing_tokens/.test(u.message)));
});

test("predict_with_generate: each evaluation sample costs 1 to 1 + beams forwards, not exactly one", () => {
  // Seq2SeqTrainer.prediction_step runs model.generate(...) and, with labels, the loss forward:
  // at least that forward, at most one more per beam when every beam decodes as far as the labels.
  const text = fixtureText("hf/samsum_t5_generate.py");
  const r = onlyRun("hf/samsum_t5_generate.py");
  const evalFlops = seen(r).eval * (r.spec.forwardFlops as number);
  assert.ok(r.trainFlops);
  assert.ok(Math.abs(r.trainFlops.high - r.trainFlops.low - evalFlops) / evalFlops < 1e-9);
  const beams = analyzeText(
    text.replace("predict_with_generate=True,", "predict_with_generate=True,\n    generation_num_beams=4,"),
  ).runs[0];
  assert.deepEqual(beams.spec.evalForwards, { low: 1, high: 5 });
  // Without generation, evaluation is one forward per sample (a point, as before).
  const plain = analyzeText(text.replace("predict_with_generate=True,", "")).runs[0];
  assert.equal(plain.spec.evalForwards, undefined);
  assert.equal(plain.trainFlops?.low, plain.trainFlops?.high);
});
