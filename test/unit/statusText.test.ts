// The status bar's text on real analyses of the examples: the models' total parameters and the
// runs' summed energy and CO2e, in the same formats as hovers and CodeLens; nothing for a file
// with neither models nor runs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { statusText, sumIntervals } from "../../extension/src/statusText";
import { compact, range } from "../../server/src/analysis/format";
import { analyzeExample } from "../e2e/expected";

test("shows the model's parameters and the run's energy and CO2e ranges", async () => {
  const { analysis } = await analyzeExample("mnist_cnn.py");
  const [model] = analysis.models;
  const [run] = analysis.runs;
  assert.ok(run.energyKWh && run.co2eKg, "the MNIST run is priced");
  assert.equal(
    statusText(analysis),
    `$(pulse) ${compact(model.params)} params · ${range(run.energyKWh, "kWh")} · ${range(run.co2eKg, "kg CO2e")}`,
  );
});

test("follows the region: a cleaner grid lowers the CO2e and leaves the energy", async () => {
  const world = statusText((await analyzeExample("hf_sst2_finetune.py")).analysis);
  const { analysis } = await analyzeExample("hf_sst2_finetune.py", { region: "SWE" });
  const sweden = statusText(analysis);
  assert.notEqual(sweden, world);
  assert.equal(sweden?.split(" · ")[1], world?.split(" · ")[1], "same kWh");
  assert.ok(sweden?.endsWith(range(analysis.runs[0].co2eKg!, "kg CO2e")));
});

test("sums the runs of a file, skips unpriced ones, and is empty without models or runs", async () => {
  const { analysis } = await analyzeExample("mnist_cnn.py");
  const [run] = analysis.runs;
  const twice = { models: analysis.models, runs: [run, run, { ...run, energyKWh: null, co2eKg: null }] };
  assert.deepEqual(sumIntervals(twice.runs.map((r) => r.co2eKg)), {
    low: run.co2eKg!.low + run.co2eKg!.low,
    high: run.co2eKg!.high + run.co2eKg!.high,
  });
  assert.ok(statusText(twice)?.endsWith(range(sumIntervals([run.co2eKg, run.co2eKg])!, "kg CO2e")));
  assert.equal(statusText({ models: [], runs: [] }), null);
  assert.equal(sumIntervals([null]), null);
});
