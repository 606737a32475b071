// An `if` the analysis cannot decide runs both paths; a name they bind to different numbers (and a
// conditional expression choosing between two numbers) is unknown, saying both and the line, so a
// layer sized by it is not counted confidently at the first path's size. Equal numbers, and names
// only one path binds to something unknown, keep their value.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lineOf, linearParams, model, run } from "./evaluateHelpers";

const PRELUDE = `
import yaml
import torch.nn as nn
cfg = yaml.safe_load(open("config.yaml"))
`;

async function layer(body: string) {
  const text = PRELUDE + body;
  const m = model(await run(text), "layer");
  return { text, params: m.params, inexact: m.paramsInexact, messages: m.unknowns.map((u) => u.message) };
}

describe("names an undecided if binds to different numbers", () => {
  test("if/else: the size is unknown and the layer says why", async () => {
    const r = await layer(`
if cfg["size"] == "large":
    hidden = 1024
else:
    hidden = 256
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.inexact, "lowerBound");
    const line = lineOf(r.text, 'if cfg["size"]') + 1;
    assert.ok(
      r.messages.includes(
        `Linear: out_features is unknown (hidden is 1024 or 256, depending on the condition on line ${line}, which the analysis could not decide)`,
      ),
      JSON.stringify(r.messages),
    );
  });

  test("an if without else that may rebind the number", async () => {
    const r = await layer(`
hidden = 256
if cfg["wide"]:
    hidden = 1024
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.inexact, "lowerBound");
    assert.match(r.messages.join("\n"), /hidden is 1024 or 256/);
  });

  test("a conditional expression over two numbers", async () => {
    const r = await layer(`
layer = nn.Linear(16, 1024 if cfg["large"] else 256)
`);
    assert.equal(r.inexact, "lowerBound");
    assert.match(r.messages.join("\n"), /1024 if … else 256, depending on the condition on line \d+/);
  });

  test("both paths agreeing keep the number", async () => {
    const r = await layer(`
if cfg["size"] == "large":
    hidden = 64
else:
    hidden = 64
layer = nn.Linear(16, hidden)
`);
    assert.equal(r.params, linearParams(16, 64));
    assert.equal(r.inexact, undefined);
  });
});
