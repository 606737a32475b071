// `del` of attributes and items: nn.Module.__delattr__ unregisters a child (a deleted classifier's
// parameters were still counted, 3.4x on the BYOL fixture), ModuleList/Sequential renumber after
// `del blocks[-1]`, and lists/dicts lose the item. Counts use the torch.nn docs' formulas.
import assert from "node:assert/strict";
import { test } from "node:test";
import { linearParams, model, run } from "./evaluateHelpers";

test("del self.fc / del self.blocks[0] / del d[k]: torch's registered parameters only", async () => {
  const facts = await run(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in widths])
        self.heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "aux": nn.Linear(8, 100)})
        self.fc = nn.Linear(8, 1000)
        self.scale = nn.Parameter(torch.ones(50))
        del self.fc
        del self.scale
        del self.blocks[0]
        del self.heads["aux"]
        self.tail = nn.Linear(8, len(widths))

import torch
widths = [1, 2, 3, 4]
del widths[-1]
cfg = {"a": 1, "b": 2}
del cfg["a"], widths[0]
net = Net(widths + list(cfg))
out = net.blocks[1]
`);
  const m = model(facts, "net");
  // 2 widths + 1 key = 3 blocks, one deleted: 2 Linear(8, 8); heads: cls only; tail Linear(8, 3).
  assert.equal(m.params, 2 * linearParams(8, 8) + linearParams(8, 3) + linearParams(8, 3));
  assert.deepEqual(
    m.layers.map((l) => l.path),
    ["blocks.0", "blocks.1", "heads.cls", "tail"],
  );
});
