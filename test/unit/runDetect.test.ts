// Run detection from hand-made traces over real script text: loops, loaders, eval passes,
// teachers, accumulation guards, sweeps, precision, framework fit events and directives.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import type { Tree } from "web-tree-sitter";
import { parseDirectives, quantity } from "../../server/src/analysis/directives";
import type { ProgramFacts } from "../../server/src/analysis/evaluate";
import type { LoaderInfo, LoopFrame, TraceEvent } from "../../server/src/analysis/evaluate/trace";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import { FRAMEWORK_DEFAULTS } from "../../server/src/analysis/run/frameworkRuns";
import { detectRuns } from "../../server/src/analysis/run/detectRuns";
import type { ModelCost } from "../../server/src/analysis/types";
import { eventBase, rangeOf } from "./helpers/ruleContext";

let py: PythonParser;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
});

function model(id: number, name: string, params: number, forwardFlops: number | null, convShare = 0): ModelCost {
  const macs = forwardFlops === null ? null : forwardFlops / 2;
  return {
    id,
    name,
    className: name,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    definition: null,
    framework: "pytorch",
    params,
    trainableParams: params,
    forwardMacs: macs,
    forwardFlops,
    inputShape: null,
    inputShapeSource: null,
    unknowns: [],
    layers:
      macs === null
        ? []
        : [
            {
              path: "conv",
              type: "Conv2d",
              range: null,
              params: 0,
              trainableParams: 0,
              inputShape: null,
              outputShape: null,
              macs: macs * convShare,
              convMacs: macs * convShare,
              calls: 1,
            },
            {
              path: "fc",
              type: "Linear",
              range: null,
              params,
              trainableParams: params,
              inputShape: null,
              outputShape: null,
              macs: macs * (1 - convShare),
              calls: 1,
            },
          ],
  };
}

const facts = (models: ModelCost[], trace: TraceEvent[]): ProgramFacts => ({ models, trace, unknowns: [], steps: 0 });

function loader(text: string, needle: string, name: string, samples: number | null, batchSize: number): LoaderInfo {
  return {
    dataset: { name, samples, sampleShape: [1, 28, 28], split: "train", tokensPerSample: null, range: null },
    batchSize,
    dropLast: false,
    numWorkers: null,
    pinMemory: null,
    range: rangeOf(text, needle),
  };
}

const TRAIN = `import torch
ACCUM = 4
train_loader = DataLoader(train_ds, batch_size=64)
val_loader = DataLoader(val_ds, batch_size=256)
for epoch in range(10):
    for i, (x, y) in enumerate(train_loader):
        with torch.no_grad():
            t = teacher(x)
        out = model(x)
        loss = crit(out, y)
        loss.backward()
        if (i + 1) % ACCUM == 0:
            optimizer.step()
    with torch.no_grad():
        for x, y in val_loader:
            model(x)
`;

function trainTrace(text: string): { trace: TraceEvent[]; tree: Tree } {
  const tree = py.parser.parse(text)!;
  const epoch: LoopFrame = {
    range: rangeOf(text, "for epoch in range(10):"),
    tripCount: 10,
    over: "range",
    target: "epoch",
  };
  const trainLd = loader(text, "DataLoader(train_ds, batch_size=64)", "mnist", 60000, 64);
  const valLd = { ...loader(text, "DataLoader(val_ds, batch_size=256)", "mnist", 10000, 256) };
  const batch: LoopFrame = {
    range: rangeOf(text, "for i, (x, y) in enumerate(train_loader):"),
    tripCount: 938,
    over: "loader",
    target: "i, (x, y)",
    loader: trainLd,
  };
  const valLoop: LoopFrame = {
    range: rangeOf(text, "for x, y in val_loader:"),
    tripCount: 40,
    over: "loader",
    target: "x, y",
    loader: valLd,
  };
  const inTrain = { ...eventBase, loops: [epoch, batch] };
  const trace: TraceEvent[] = [
    { ...inTrain, noGrad: true, kind: "forward", modelId: 2, inputShape: null, range: rangeOf(text, "teacher(x)") },
    { ...inTrain, kind: "forward", modelId: 1, inputShape: null, range: rangeOf(text, "model(x)") },
    { ...inTrain, kind: "backward", range: rangeOf(text, "loss.backward()") },
    { ...inTrain, kind: "optimizerStep", range: rangeOf(text, "optimizer.step()") },
    {
      ...eventBase,
      loops: [epoch, valLoop],
      noGrad: true,
      kind: "forward",
      modelId: 1,
      inputShape: null,
      range: rangeOf(text, "model(x)", 1),
    },
  ];
  return { trace, tree };
}

test("a PyTorch loop: epochs, samples, batch, eval, teacher, accumulation, conv share", () => {
  const { trace, tree } = trainTrace(TRAIN);
  const student = model(1, "model", 1_000_000, 4e8, 0.75);
  const teacher = model(2, "teacher", 20_000_000, 3e9);
  const [run, ...rest] = detectRuns(facts([student, teacher], trace), parseDirectives(TRAIN), tree);
  assert.equal(rest.length, 0);
  assert.equal(run.framework, "pytorch");
  assert.equal(run.epochs, 10);
  assert.equal(run.trainSamples, 60000);
  assert.equal(run.batchSize, 64);
  assert.equal(run.valSamples, 10000);
  assert.equal(run.gradientAccumulation, 4);
  assert.equal(run.model, "model");
  assert.equal(run.params, 1_000_000);
  // The teacher runs forward only: a third of a trained forward.
  assert.equal(run.forwardFlops, 4e8 + 3e9 / 3);
  assert.equal(run.convFlopsShare, 0.75);
  assert.equal(run.precision, "fp32");
  assert.equal(run.trials, 1);
  assert.equal(run.loaderWorkers, 0, "DataLoader default num_workers=0");
  assert.deepEqual(run.range, rangeOf(TRAIN, "for epoch in range(10):"));
  assert.ok(
    run.evidence.some((e) => e.includes("range(10)")),
    run.evidence.join("\n"),
  );
  assert.ok(run.evidence.some((e) => e.includes("(i + 1) % ACCUM == 0")));
  assert.deepEqual(run.unknowns, []);
});

test("argparse default gives the accumulation factor", () => {
  const text = TRAIN.replace("ACCUM = 4", 'p.add_argument("--accum-steps", type=int, default=8)').replace(
    "% ACCUM ==",
    "% args.accum_steps ==",
  );
  const { trace, tree } = trainTrace(text);
  const [run] = detectRuns(facts([model(1, "model", 1000, 1e6)], trace), parseDirectives(text), tree);
  assert.equal(run.gradientAccumulation, 8);
});

test("autocast on the forward makes the run mixed precision; .double() makes it fp64", () => {
  const { trace, tree } = trainTrace(TRAIN);
  const ac = trace.map((e) =>
    e.kind === "forward" || e.kind === "backward" ? { ...e, autocast: "bf16" as const } : e,
  );
  assert.equal(
    detectRuns(facts([model(1, "model", 1000, 1e6)], ac), parseDirectives(TRAIN), tree)[0].precision,
    "bf16-mixed",
  );
  const dbl: TraceEvent = {
    ...eventBase,
    kind: "precision",
    precision: "fp64",
    how: "model.double()",
    modelId: 1,
    range: rangeOf(TRAIN, "import torch"),
  };
  assert.equal(
    detectRuns(facts([model(1, "model", 1000, 1e6)], [dbl, ...trace]), parseDirectives(TRAIN), tree)[0].precision,
    "fp64",
  );
});

const PHASES = `for lr in [0.1, 0.01, 0.001]:
    for epoch in range(5):
        for phase in ["train", "val"]:
            for x, y in loaders[phase]:
                loss.backward()
`;

test("a phase loop does not multiply epochs; a list loop outside the epoch loop is a sweep", () => {
  const tree = py.parser.parse(PHASES)!;
  const ld = loader(PHASES, "loaders[phase]", "cifar10", 50000, 128);
  const loops: LoopFrame[] = [
    { range: rangeOf(PHASES, "for lr in [0.1, 0.01, 0.001]:"), tripCount: 3, over: "list", target: "lr" },
    { range: rangeOf(PHASES, "for epoch in range(5):"), tripCount: 5, over: "range", target: "epoch" },
    { range: rangeOf(PHASES, 'for phase in ["train", "val"]:'), tripCount: 2, over: "list", target: "phase" },
    {
      range: rangeOf(PHASES, "for x, y in loaders[phase]:"),
      tripCount: 391,
      over: "loader",
      target: "x, y",
      loader: ld,
    },
  ];
  const trace: TraceEvent[] = [{ ...eventBase, loops, kind: "backward", range: rangeOf(PHASES, "loss.backward()") }];
  const [run] = detectRuns(facts([], trace), parseDirectives(PHASES), tree);
  assert.equal(run.epochs, 5);
  assert.equal(run.trials, 3);
  assert.equal(run.trainSamples, 50000);
  // No model in the facts: its size is what is missing, not an input shape.
  assert.ok(run.unknowns.some((u) => u.hint?.includes("# footprint: flops")));
});

const STEPS = `# footprint: samples 50000
for it in range(5000):
    xb, yb = get_batch("train")
    loss = model(xb, yb)
    loss.backward()
`;

test("a step loop without a loader: steps known, samples from the directive", () => {
  const tree = py.parser.parse(STEPS)!;
  const loops: LoopFrame[] = [
    { range: rangeOf(STEPS, "for it in range(5000):"), tripCount: 5000, over: "range", target: "it" },
  ];
  const trace: TraceEvent[] = [
    { ...eventBase, loops, kind: "forward", modelId: 1, inputShape: null, range: rangeOf(STEPS, "model(xb, yb)") },
    { ...eventBase, loops, kind: "backward", range: rangeOf(STEPS, "loss.backward()") },
  ];
  const noDirective = detectRuns(
    facts([model(1, "model", 1000, 1e6)], trace),
    parseDirectives(STEPS.slice(STEPS.indexOf("\n") + 1)),
    tree,
  )[0];
  assert.equal(noDirective.maxSteps, 5000);
  assert.equal(noDirective.batchSize, null);
  assert.ok(noDirective.unknowns.some((u) => u.hint?.startsWith("add `# footprint: samples N`")));
  assert.ok(!noDirective.unknowns.some((u) => u.hint?.includes("epochs")), "a step loop needs no epochs");
  const withDirective = detectRuns(facts([model(1, "model", 1000, 1e6)], trace), parseDirectives(STEPS), tree)[0];
  assert.equal(withDirective.trainSamples, 50000);
  assert.equal(withDirective.epochs, 1);
  assert.equal(withDirective.maxSteps, null);
  assert.deepEqual(withDirective.unknowns, []);
  assert.ok(withDirective.evidence.some((e) => e.includes("directive")));
});

test("directives override epochs and device", () => {
  const text = `# footprint: epochs 90\n# footprint: device h100 x8\n${TRAIN}`;
  const { trace, tree } = trainTrace(text);
  const [run] = detectRuns(facts([model(1, "model", 1000, 1e6)], trace), parseDirectives(text), tree);
  assert.equal(run.epochs, 90);
  assert.deepEqual(run.device, { id: "h100", count: 8, kind: "gpu" });
});

test("Keras fit and HF Trainer events become runs with documented defaults", () => {
  const text = "model.fit(x, y)\ntrainer.train()\n";
  const kfit: TraceEvent = {
    ...eventBase,
    kind: "kerasFit",
    modelId: 1,
    epochs: null,
    batchSize: null,
    trainSamples: 48000,
    valSamples: 12000,
    callbacks: ["EarlyStopping"],
    range: rangeOf(text, "model.fit(x, y)"),
  };
  const hf: TraceEvent = {
    ...eventBase,
    kind: "hfTrainer",
    modelId: 2,
    epochs: null,
    maxSteps: 1000,
    batchSize: 16,
    gradientAccumulation: 2,
    precision: "bf16-mixed",
    trainSamples: 67349,
    tokensPerSample: 128,
    evalEachEpoch: true,
    evalSamples: 872,
    evalSteps: null,
    range: rangeOf(text, "trainer.train()"),
  };
  const [k, h] = detectRuns(
    facts([model(1, "net", 1000, 1e6), model(2, "bert", 1000, null)], [kfit, hf]),
    parseDirectives(text),
    null,
  );
  assert.equal(k.framework, "keras");
  assert.equal(k.epochs, FRAMEWORK_DEFAULTS.kerasEpochs.value);
  assert.equal(k.batchSize, FRAMEWORK_DEFAULTS.kerasBatch.value);
  assert.equal(k.valSamples, 12000);
  assert.ok(k.evidence.some((e) => e.includes("EarlyStopping")));
  assert.equal(h.framework, "transformers");
  assert.equal(h.maxSteps, 1000);
  assert.equal(h.epochs, null);
  assert.equal(h.gradientAccumulation, 2);
  assert.equal(h.precision, "bf16-mixed");
  assert.equal(h.tokensPerSample, 128);
  // forward FLOPs unknown but params and tokens known: the 6×N×D path prices it, so no input hint.
  assert.ok(!h.unknowns.some((u) => u.hint?.includes("# footprint: input")));
});

test("no backward in any loop: no run; an empty trace: no run", () => {
  const text = "out = model(x)\nloss.backward()\n";
  const trace: TraceEvent[] = [{ ...eventBase, kind: "backward", range: rangeOf(text, "loss.backward()") }];
  assert.deepEqual(detectRuns(facts([], trace), parseDirectives(text), null), []);
  assert.deepEqual(detectRuns(facts([], []), parseDirectives(""), null), []);
});

test("odd traces: unknown trip counts, loaders without datasets, models missing from facts", () => {
  const text = "while True:\n    for b in stream:\n        loss.backward()\n";
  const loops: LoopFrame[] = [
    { range: rangeOf(text, "while True:"), tripCount: null, over: "unknown", target: "" },
    {
      range: rangeOf(text, "for b in stream:"),
      tripCount: null,
      over: "loader",
      target: "b",
      loader: {
        dataset: null,
        batchSize: null,
        dropLast: false,
        numWorkers: 2,
        pinMemory: true,
        range: rangeOf(text, "stream"),
      },
    },
  ];
  const trace: TraceEvent[] = [
    { ...eventBase, loops, kind: "forward", modelId: 99, inputShape: null, range: rangeOf(text, "loss") },
    { ...eventBase, loops, kind: "backward", range: rangeOf(text, "loss.backward()") },
  ];
  const [run] = detectRuns(facts([], trace), parseDirectives(text), py.parser.parse(text));
  assert.equal(run.epochs, null);
  assert.equal(run.trainSamples, null);
  assert.equal(run.model, null);
  assert.equal(run.loaderWorkers, 2);
  const hints = run.unknowns.map((u) => u.hint ?? "");
  for (const h of ["# footprint: epochs", "# footprint: samples", "# footprint: flops"])
    assert.ok(
      hints.some((x) => x.includes(h)),
      `${h} in ${hints.join(" | ")}`,
    );
});

test("input and device directives take sizes written with x or ×", () => {
  for (const sep of ["x", "×", ", "]) {
    assert.deepEqual(parseDirectives(`# footprint: input 3${sep}224${sep}224`).input?.shape, [3, 224, 224]);
  }
  const d = parseDirectives("# footprint: device A100 × 8").device;
  assert.deepEqual([d?.id, d?.count], ["a100", 8]);
  assert.equal(parseDirectives("# footprint: device h100 x 4").device?.count, 4);
});

test("params and flops directives size a model the code cannot, with hints in the run's own terms", () => {
  assert.equal(quantity("110M"), 110_000_000);
  assert.equal(quantity("7B"), 7e9);
  assert.equal(quantity("2.2G"), 2_200_000_000);
  assert.equal(quantity("1.3e9"), 1_300_000_000);
  assert.equal(quantity("123_456"), 123_456);
  assert.equal(quantity("-5"), null);
  assert.equal(quantity("lots"), null);
  assert.match(parseDirectives("# footprint: params many").problems[0].message, /params needs a positive number/);

  const { trace, tree } = trainTrace(TRAIN);
  // A run whose model has no size: the hint asks for the size, not an input shape.
  const [unsized] = detectRuns(facts([], trace), parseDirectives(TRAIN), tree);
  assert.equal(unsized.params, null);
  assert.ok(unsized.unknowns.some((u) => u.hint?.includes("# footprint: flops 2.2G")));
  assert.ok(!unsized.unknowns.some((u) => u.hint?.includes("# footprint: input")));

  const text = `# footprint: params 350M\n# footprint: flops 1.5G\n${TRAIN}`;
  const [run] = detectRuns(facts([], trainTrace(text).trace), parseDirectives(text), trainTrace(text).tree);
  assert.equal(run.params, 350_000_000);
  assert.equal(run.trainableParams, 350_000_000);
  assert.equal(run.forwardFlops, 1_500_000_000);
  assert.ok(!run.unknowns.some((u) => /FLOPs|size/.test(u.message)));
  assert.ok(run.evidence.some((e) => e.includes("from the # footprint: flops directive (line 2)")));
});
