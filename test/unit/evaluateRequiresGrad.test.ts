// Trainable parameters are never confidently wrong: a freezing loop under an `if` the analysis
// cannot decide (both branches run) or a requires_grad set to an undecidable value still counts
// what it evaluated, but the model says the trainable count may differ, naming the line.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lineOf, linearParams, model, run } from "./evaluateHelpers";

const PRELUDE = `
import json
import torch.nn as nn
cfg = json.load(open("config.json"))
`;

async function trainable(body: string): Promise<{ trainable: number; messages: string[] }> {
  const m = model(await run(PRELUDE + body), "model");
  return {
    trainable: m.trainableParams,
    messages: m.unknowns.map((u) => u.message).filter((x) => x.includes("trainable")),
  };
}

describe("requires_grad the analysis cannot be sure of", () => {
  test("freezing under an undecided condition is reported with its line", async () => {
    const body = `
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
for i, child in enumerate(model.children()):
    if i < cfg["freeze_layers"]:
        for p in child.parameters():
            p.requires_grad = False
`;
    const r = await trainable(body);
    assert.equal(r.trainable, 0);
    assert.equal(r.messages.length, 1);
    const line = lineOf(PRELUDE + body, "if i <") + 1;
    assert.equal(
      r.messages[0],
      `trainable parameters may differ from 0 (layer 0: requires_grad is set under the condition on line ${line}, which the analysis could not decide)`,
    );
  });

  test("an undecidable flag leaves the count as built and says so", async () => {
    const r = await trainable(`model = nn.Linear(3, 5)\nmodel.requires_grad_(cfg["train_all"])\n`);
    assert.equal(r.trainable, linearParams(3, 5));
    assert.match(r.messages[0] ?? "", /requires_grad is set to a value the analysis could not decide/);
  });

  test("decided freezing, and an undecided branch that changes nothing, stay silent", async () => {
    const r = await trainable(`
model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
model[0].requires_grad_(False)
if cfg["debug"]:
    model[1].weight.requires_grad = True
`);
    assert.deepEqual(r, { trainable: linearParams(8, 2), messages: [] });
  });
});
