// Sequence-first inputs: a model whose RNN or transformer layers keep batch_first=False takes
// (sequence, batch, …), so the batch is dimension 1. The oracle gate covers two fixtures
// (word_lstm_seq_first.py, seq_first_transformer_classifier.py); these cases check that the same
// model costs the same per sample whichever layout reaches it, and that only the sequence-first
// call is re-read.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import type { ModelCost } from "../../server/src/analysis/types";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

let analyzer: Analyzer;
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
});

function models(text: string): Map<string, ModelCost> {
  const { analysis, tree } = analyzer.analyze({
    path: "/w/lm.py",
    text,
    settings: resolveSettings({}).settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  return new Map(analysis.models.map((m) => [m.name, m]));
}

const SCRIPT = `import torch
from torch import nn

class SeqFirstLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 64)
        self.rnn = nn.LSTM(64, 128, num_layers=2)
        self.out = nn.Linear(128, 1000)

    def forward(self, tokens):
        h, _ = self.rnn(self.emb(tokens))
        return self.out(h)

class BatchFirstCallerLM(SeqFirstLM):
    def forward(self, tokens):
        h, _ = self.rnn(self.emb(tokens).transpose(0, 1))
        return self.out(h.transpose(0, 1))

class BatchFirstLM(SeqFirstLM):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(64, 128, num_layers=2, batch_first=True)

seq_first = SeqFirstLM()
transposing = BatchFirstCallerLM()
batch_first = BatchFirstLM()
tokens = torch.randint(0, 1000, (35, 20))
seq_first(tokens)
transposing(tokens.t())
batch_first(tokens.t())
`;

describe("sequence-first inputs", () => {
  it("costs (35, 20) read by a batch_first=False LSTM as 20 sequences of 35 tokens", () => {
    const m = models(SCRIPT);
    const [seq, trans, batch] = ["seq_first", "transposing", "batch_first"].map((n) => m.get(n)!);
    for (const x of [seq, trans, batch]) {
      assert.deepEqual(x.inputShape, [35], x.name);
      assert.ok(x.forwardFlops && x.forwardFlops > 0, x.name);
    }
    // The same layers over 35 tokens cost the same, whichever layout the caller used.
    assert.equal(seq.forwardFlops, trans.forwardFlops);
    assert.equal(seq.forwardFlops, batch.forwardFlops);
    assert.match(seq.inputShapeSource ?? "", /\(sequence, batch, …\): nn\.LSTM reads dimension 1 as the batch/);
    // Inputs already laid out for their layers are not re-read.
    assert.doesNotMatch(trans.inputShapeSource ?? "", /sequence, batch/);
    assert.doesNotMatch(batch.inputShapeSource ?? "", /sequence, batch/);
  });

  it("a directive's shape is (sequence, …) for a sequence-first model", () => {
    const m = models(SCRIPT.replace("seq_first = SeqFirstLM()", "# footprint: input 35\nseq_first = SeqFirstLM()"));
    const plain = models(SCRIPT);
    assert.deepEqual(m.get("seq_first")!.inputShape, [35]);
    assert.equal(m.get("seq_first")!.forwardFlops, plain.get("seq_first")!.forwardFlops);
    assert.match(m.get("seq_first")!.inputShapeSource ?? "", /^directive, \(sequence, batch/);
  });
});
