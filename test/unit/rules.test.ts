// Rules on hand-made traces: each fires where it should, its fix produces the expected code that
// reparses, applying the fix makes the finding go away, and every rule has its docs page.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { TraceEvent } from "../../server/src/analysis/evaluate/trace";
import { applyEdits } from "../../server/src/analysis/fixes/textEdits";
import { loadPythonParser, type PythonParser } from "../../server/src/analysis/parse/loadParser";
import { RULES, runRules } from "../../server/src/analysis/rules";
import { evalWithoutNoGrad } from "../../server/src/analysis/rules/FP140-eval-without-no-grad";
import { float64Training } from "../../server/src/analysis/rules/FP150-float64";
import { starvedLoader } from "../../server/src/analysis/rules/FP170-starved-loader";
import type { RuleFinding } from "../../server/src/analysis/rules/rule";
import type { Fix } from "../../server/src/analysis/types";
import { run as evaluate } from "./evaluateHelpers";
import { eventBase, rangeOf, ruleContext, run } from "./helpers/ruleContext";

let py: PythonParser;
before(async () => {
  py = await loadPythonParser(join(process.cwd(), "grammars"));
});

describe("rule registry", () => {
  it("has unique codes, each with a docs page", () => {
    const codes = RULES.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const c of codes) assert.ok(existsSync(join("docs", "rules", `${c}.md`)), `docs/rules/${c}.md missing`);
  });
});

/** A rule's own fixes for a finding (built on demand, see deferredFixes.ts), the ones that could be built. */
function builtFixes(f: RuleFinding): Fix[] {
  return (f.fixes?.() ?? []).filter((x): x is Fix => !!x);
}

const EVAL = `import torch

def evaluate(model, loader):
    total = 0
    for x, y in loader:
        out = model(x)
        total += (out.argmax(1) == y).sum().item()
    return total
`;

describe("FP140 evaluation without no_grad", () => {
  const trace = (text: string, noGrad: boolean): TraceEvent[] => [
    {
      ...eventBase,
      noGrad,
      kind: "forward",
      modelId: 1,
      inputShape: [1, 1, 28, 28],
      range: rangeOf(text, "model(x)"),
      loops: [{ range: rangeOf(text, "for x, y in loader:"), tripCount: 157, over: "loader", target: "x, y" }],
    },
  ];

  it("wraps the eval loop and is gone after the fix", () => {
    const found = evalWithoutNoGrad.check(ruleContext(py, EVAL, trace(EVAL, false)));
    assert.equal(found.length, 1);
    const fixed = applyEdits(EVAL, builtFixes(found[0])[0].edits);
    assert.match(fixed, /\n {4}with torch\.no_grad\(\):\n {8}for x, y in loader:\n {12}out = model\(x\)\n/);
    assert.equal(py.parser.parse(fixed)!.rootNode.hasError, false);
    assert.equal(evalWithoutNoGrad.check(ruleContext(py, fixed, trace(fixed, true))).length, 0);
  });

  it("stays quiet for a loop that also calls backward", () => {
    const t = trace(EVAL, false);
    t.push({ ...eventBase, kind: "backward", range: rangeOf(EVAL, "total = 0"), loops: t[0].loops });
    assert.equal(evalWithoutNoGrad.check(ruleContext(py, EVAL, t)).length, 0);
  });
});

describe("FP150 float64", () => {
  it("rewrites .double() to .float()", () => {
    const text = "model = Net().double()\n";
    const ev: TraceEvent = {
      ...eventBase,
      kind: "precision",
      precision: "fp64",
      how: ".double()",
      modelId: 1,
      range: rangeOf(text, "Net().double()"),
    };
    const [f] = float64Training.check(ruleContext(py, text, [ev]));
    assert.equal(applyEdits(text, builtFixes(f)[0].edits), "model = Net().float()\n");
  });

  // A float32 model fed float64 batches raises a dtype error in PyTorch, so the tensors go too.
  const batches = "model = Net().double()\nx = torch.from_numpy(a)\ny = torch.tensor(b, dtype=torch.float64)\n";
  const model: TraceEvent = {
    ...eventBase,
    kind: "precision",
    precision: "fp64",
    how: ".double()",
    modelId: 1,
    range: rangeOf(batches, "Net().double()"),
  };
  const tensorAt = (call: string, maybe?: boolean): TraceEvent => ({
    ...eventBase,
    kind: "tensorFloat64",
    how: call,
    ...(maybe ? { maybe } : {}),
    range: rangeOf(batches, call),
  });

  it("converts the float64 tensors with the model", () => {
    const evs = [model, tensorAt("torch.from_numpy(a)"), tensorAt("torch.tensor(b, dtype=torch.float64)")];
    const [f] = float64Training.check(ruleContext(py, batches, evs));
    assert.equal(
      applyEdits(batches, builtFixes(f)[0].edits),
      "model = Net().float()\nx = torch.from_numpy(a).float()\ny = torch.tensor(b, dtype=torch.float32)\n",
    );
  });

  it("offers no fix when an array of unknown dtype becomes a tensor", () => {
    const evs = [model, tensorAt("torch.from_numpy(a)", true)];
    const [f] = float64Training.check(ruleContext(py, batches, evs));
    assert.ok(!builtFixes(f).some((x) => x.title === "Use float32"));
  });
});

describe("FP170 starved loader", () => {
  const text = "loader = DataLoader(train_set, batch_size=64, shuffle=True)\n";
  const ev: TraceEvent = {
    ...eventBase,
    kind: "loader",
    range: rangeOf(text, "DataLoader(train_set, batch_size=64, shuffle=True)"),
    loader: {
      dataset: null,
      batchSize: 64,
      dropLast: false,
      // What frameworks/torch/data.ts records for a DataLoader call without either argument.
      numWorkers: 0,
      pinMemory: false,
      range: rangeOf(text, "DataLoader(train_set, batch_size=64, shuffle=True)"),
    },
  };

  it("sets both arguments in one edit on GPU runs", () => {
    const [f] = starvedLoader.check(ruleContext(py, text, [ev], [run({ range: rangeOf(text, "loader") })]));
    assert.equal(
      applyEdits(text, builtFixes(f)[0].edits),
      "loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=4, pin_memory=True)\n",
    );
  });

  it("a loader built in an imported file names that file and offers no edit of the call here", () => {
    const src = "train_loader, test_loader = make_loaders(cfg)\n";
    const call = rangeOf(src, "make_loaders(cfg)");
    const e: TraceEvent = { ...ev, range: call, loader: { ...ev.loader, range: call, builtIn: "/w/src/data.py" } };
    const [f] = starvedLoader.check(ruleContext(py, src, [e], [run({ range: rangeOf(src, "train_loader") })]));
    assert.match(f.message, /^DataLoader \(built in src\/data\.py: set it there\) loads batches/);
    // pin_memory=True added to make_loaders(...) would be a TypeError: no fix of the rule's own.
    assert.deepEqual(builtFixes(f), []);
  });

  it("the interpreter marks a DataLoader built in a workspace import with that file", async () => {
    const facts = await evaluate("from data import make_loader\nloader = make_loader()\n", {
      files: {
        "/ws/data.py":
          "from torch.utils.data import DataLoader\ndef make_loader():\n    return DataLoader([1, 2, 3], batch_size=2)\n",
      },
    });
    const e = facts.trace.find((x) => x.kind === "loader");
    assert.ok(e?.kind === "loader");
    assert.equal(e.loader.builtIn, "/ws/data.py");
    assert.deepEqual(e.range, rangeOf("from data import make_loader\nloader = make_loader()\n", "make_loader()"));
  });

  const loaderAt = (src: string, call: string): TraceEvent => ({
    ...ev,
    range: rangeOf(src, call),
    loader: { ...ev.loader, range: rangeOf(src, call) },
  });

  // DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, ...): a second
  // num_workers= beside the positional one raises "got multiple values for argument".
  it("replaces a positional num_workers instead of adding the keyword", () => {
    const src = "loader = DataLoader(ds, 64, True, None, None, 0)\n";
    const e = loaderAt(src, "DataLoader(ds, 64, True, None, None, 0)");
    const [f] = starvedLoader.check(ruleContext(py, src, [e], [run({ range: rangeOf(src, "loader") })]));
    assert.equal(
      applyEdits(src, builtFixes(f)[0].edits),
      "loader = DataLoader(ds, 64, True, None, None, 4, pin_memory=True)\n",
    );
  });

  it("keeps a comment ending the last argument's line once, above the new arguments", () => {
    const src = "loader = DataLoader(\n    ds,\n    batch_size=64,  # tuned for 24 GB\n)\n";
    const e = loaderAt(src, "DataLoader(\n    ds,\n    batch_size=64,  # tuned for 24 GB\n)");
    const [f] = starvedLoader.check(ruleContext(py, src, [e], [run({ range: rangeOf(src, "loader") })]));
    assert.equal(
      applyEdits(src, builtFixes(f)[0].edits),
      "loader = DataLoader(\n    ds,\n    batch_size=64,  # tuned for 24 GB\n    num_workers=4,\n    pin_memory=True,\n)\n",
    );
  });

  // The dataset's binding is the last assignment to its name before the loader: annotated and
  // line-joined targets count; comparisons, keyword arguments, attributes, longer names and
  // later assignments do not.
  for (const [what, bindings, silent] of [
    ["plain", "ds = TensorDataset(x.cuda(), y.cuda())\n", true],
    ["annotated", "ds: TensorDataset = TensorDataset(x.to(device), y.to(device))\n", true],
    ["joined", "ds \\\n    = TensorDataset(x.cuda(), y.cuda())\n", true],
    ["rebound on the CPU", "ds = TensorDataset(x.cuda(), y.cuda())\nds = TensorDataset(x, y)\n", false],
    ["a comparison", "ok = ds == TensorDataset(x.cuda(), y.cuda())\nds = TensorDataset(x, y)\n", false],
    ["a keyword argument", "ds = TensorDataset(x, y)\nf(ds=TensorDataset(x.cuda(), y.cuda()))\n", false],
    ["an attribute", "ds = TensorDataset(x, y)\ncfg.ds = TensorDataset(x.cuda(), y.cuda())\n", false],
    ["a longer name", "ds = TensorDataset(x, y)\nval_ds = TensorDataset(x.cuda(), y.cuda())\n", false],
  ] as const)
    it(`reads the dataset's binding: ${what}`, () => {
      const call = "DataLoader(ds, batch_size=64)";
      const src = `${bindings}loader = ${call}\nds = TensorDataset(x.cuda(), y.cuda())\n`;
      const found = starvedLoader.check(
        ruleContext(py, src, [loaderAt(src, call)], [run({ range: rangeOf(src, "loader") })]),
      );
      assert.equal(found.length, silent ? 0 : 1);
    });

  it("is silent when the run is on the CPU", () => {
    const cpu = run({ range: rangeOf(text, "loader"), device: { id: null, count: 1, kind: "cpu" } });
    assert.equal(starvedLoader.check(ruleContext(py, text, [ev], [cpu])).length, 0);
  });
});

describe("suppression", () => {
  const text = "model = Net().double()\n";
  const ev: TraceEvent = {
    ...eventBase,
    kind: "precision",
    precision: "fp64",
    how: ".double()",
    modelId: 1,
    range: rangeOf(text, "Net().double()"),
  };

  it("offers an ignore comment that silences the finding", () => {
    const [f] = runRules(ruleContext(py, text, [ev])).filter((x) => x.code === "FP150");
    const ignore = f.fixes.find((x) => x.title.startsWith("Ignore FP150"))!;
    const fixed = applyEdits(text, ignore.edits);
    assert.equal(fixed, "model = Net().double()  # footprint: ignore[FP150]\n");
    assert.equal(runRules(ruleContext(py, fixed, [ev])).filter((x) => x.code === "FP150").length, 0);
  });

  it("offers no ignore comment where the line ends inside a string", () => {
    const src = 'model = Net().double(); doc = """first\nsecond"""\n';
    const e: TraceEvent = { ...ev, range: rangeOf(src, "Net().double()") };
    const [f] = runRules(ruleContext(py, src, [e])).filter((x) => x.code === "FP150");
    assert.equal(
      f.fixes.some((x) => x.title === "Ignore FP150 on this line"),
      false,
    );
    // The file-level comment goes on a line of its own at the top, which a string cannot swallow.
    const file = f.fixes.find((x) => x.title === "Ignore FP150 in this file")!;
    assert.equal(applyEdits(src, file.edits), `# footprint: ignore-file[FP150]\n${src}`);
  });

  it("turns a rule off from settings", () => {
    const ctx = ruleContext(py, text, [ev]);
    ctx.settings.rules.FP150 = "off";
    assert.equal(runRules(ctx).filter((x) => x.code === "FP150").length, 0);
  });
});
