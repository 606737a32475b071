// torch.nn.utils.rnn: a packed batch is priced at its padded length (the same FLOPs as the model
// without packing, said on the model as an upper bound); pad_sequence stacks to the longest. Before,
// packing was unknown and a packing tagger's FLOPs were unknown.
import assert from "node:assert/strict";
import { test } from "node:test";
import { model, run } from "./evaluateHelpers";

const tagger = (forward: string) => `import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10000, 128)
        self.lstm = nn.LSTM(128, 256, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(512, 17)

    def forward(self, x, lengths):
${forward}
        return self.fc(out)


tokens = pad_sequence([torch.randint(0, 10000, (n,)) for n in (50, 42, 31, 7)], batch_first=True)
tagger = Tagger()
y = tagger(tokens, torch.tensor([50, 42, 31, 7]))
`;

test("pack_padded_sequence → LSTM → pad_packed_sequence costs the padded LSTM, noted as an upper bound", async () => {
  const packed = model(
    await run(
      tagger(`        packed = pack_padded_sequence(self.emb(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))`),
    ),
    "tagger",
  );
  const plain = model(await run(tagger("        out, _ = self.lstm(self.emb(x))")), "tagger");
  assert.ok(plain.forwardMacs && plain.forwardMacs > 0);
  assert.equal(packed.forwardMacs, plain.forwardMacs);
  assert.deepEqual(packed.inputShape, plain.inputShape);
  assert.deepEqual(plain.inputShape, [50], "pad_sequence stacks to the longest sequence");
  assert.ok(packed.unknowns.some((u) => u.message.includes("upper bound")));
});
