// The core promise (issue #3): the static analyzer's params, trainable params and forward FLOPs of
// every fixture model against real PyTorch (expected.json, made by torch_oracle.py), plus the
// aggregate targets and the published torchvision counts read from the product's ground-truth CSV.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import {
  type AccuracyRow,
  FLOPS_TOLERANCE,
  GROUND_TRUTH_CSV,
  loadOracle,
  measureAccuracy,
  parseCsv,
  relativeError,
  summarize,
} from "./modelAccuracy";

const oracle = loadOracle();
let rows: AccuracyRow[] = [];
const rowOf = (id: string): AccuracyRow => {
  const row = rows.find((r) => r.oracle.id === id);
  assert.ok(row, `no analysis row for ${id}`);
  return row;
};

before(async () => {
  rows = await measureAccuracy(oracle);
});

describe("oracle manifest", () => {
  it("covers at least 40 fixtures, with and without input shapes", () => {
    const files = new Set(oracle.cases.map((c) => c.file));
    assert.ok(files.size >= 40, `only ${files.size} fixture files`);
    assert.ok(oracle.cases.filter((c) => c.inputs === null).length >= 3, "want several cases with no input shape");
    assert.ok(oracle.cases.filter((c) => c.trainableParams < c.params).length >= 2, "want frozen-backbone cases");
  });
});

/** Cases whose input shape comes from data files read at run time (cases.json `inputFromData`). */
const fromData = new Map<string, string>(
  (
    JSON.parse(readFileSync(join(process.cwd(), "test", "oracle", "cases.json"), "utf8")).cases as Array<{
      id: string;
      inputFromData?: string;
    }>
  )
    .filter((c) => c.inputFromData)
    .map((c) => [c.id, c.inputFromData!]),
);

describe("models against real PyTorch", () => {
  for (const oc of oracle.cases) {
    it(oc.id, () => {
      const row = rowOf(oc.id);
      const where = `${oc.file}: models found ${JSON.stringify(row.namesInFile)}; notices ${JSON.stringify(row.notices)}`;
      assert.ok(row.got, `no model bound to \`${oc.model}\` (${where})`);
      assert.equal(row.sameName, 1, `${row.sameName} models named \`${oc.model}\` (${where})`);
      const got = row.got;
      assert.equal(got.params, oc.params, `params of ${oc.model}`);
      assert.equal(got.trainableParams, oc.trainableParams, `trainable params of ${oc.model}`);
      if (row.expectedFlops === null) {
        assert.equal(got.forwardFlops, null, "the script gives no input shape, so FLOPs must be unknown");
        assert.ok(
          got.unknowns.some((u) => typeof u.hint === "string" && u.hint.length > 0),
          `an Unknown with a hint should say how to give the input shape; got ${JSON.stringify(got.unknowns)}`,
        );
      } else if (got.forwardFlops === null && fromData.has(oc.id)) {
        // The shape only exists once the script reads its data files: unknown is a correct
        // answer here, as long as it says how to give the shape. A wrong number still fails below.
        // `# footprint: input` gives one tensor's shape: a model of several inputs (an image and its
        // padded caption) is given its cost with `# footprint: flops` instead.
        const directive = (oc.inputs?.length ?? 0) > 1 ? /# footprint: (input|flops)/ : /# footprint: input/;
        assert.ok(
          got.unknowns.some((u) => typeof u.hint === "string" && directive.test(u.hint)),
          `${oc.id} (${fromData.get(oc.id)}): FLOPs unknown without a directive hint; got ${JSON.stringify(got.unknowns)}`,
        );
      } else {
        assert.notEqual(got.forwardFlops, null, `FLOPs unknown; unknowns ${JSON.stringify(got.unknowns)}`);
        const err = relativeError(got.forwardFlops, row.expectedFlops);
        assert.ok(
          err !== null && err <= FLOPS_TOLERANCE,
          `forward FLOPs ${got.forwardFlops} vs oracle ${row.expectedFlops} (error ${((err ?? 0) * 100).toFixed(2)}%, input ${JSON.stringify(got.inputShape)} from ${got.inputShapeSource})`,
        );
      }
      // Products of weights alone run once per forward call: the oracle measures them only for cases
      // marked perCallOps (torch_oracle.py), so the analyzer finding some elsewhere means a case to mark.
      if (oc.perCallMacs !== undefined) {
        const err = relativeError(got.perCallFlops ?? 0, 2 * oc.perCallMacs);
        assert.ok(
          err !== null && err <= FLOPS_TOLERANCE,
          `per-call FLOPs ${got.perCallFlops} vs oracle ${2 * oc.perCallMacs}`,
        );
      } else if (row.expectedFlops !== null) {
        assert.equal(got.perCallFlops, undefined, "weight-only products found: mark the case perCallOps in cases.json");
      }
    });
  }
});

describe("issue #3 aggregate targets", () => {
  it("params exact on at least 95% of models", () => {
    const s = summarize(rows);
    assert.ok(s.paramsExact >= 0.95 * s.models, `params exact on ${s.paramsExact}/${s.models}`);
  });
  it("forward FLOPs within 2% on at least 90% of models with an input shape", () => {
    const s = summarize(rows);
    assert.ok(s.flopsWithin >= 0.9 * s.withInput, `FLOPs within 2% on ${s.flopsWithin}/${s.withInput}`);
  });
});

describe("published parameter counts (model_ground_truth.csv)", () => {
  const published = oracle.cases.filter((c) => c.published);
  it("the CSV is present and names every published case", () => {
    assert.ok(existsSync(GROUND_TRUTH_CSV), `${GROUND_TRUTH_CSV} missing`);
    assert.ok(published.length >= 4, "ResNet-18, ResNet-50, VGG-16 and MobileNetV2 should be marked published");
  });
  for (const oc of published) {
    it(`${oc.published} equals the published count (oracle and analyzer)`, () => {
      const table = parseCsv(readFileSync(GROUND_TRUTH_CSV, "utf8"));
      const [framework, model] = (oc.published ?? "").split(",");
      const entry = table.find((r) => r.framework === framework && r.model === model);
      assert.ok(entry, `no CSV row ${oc.published}`);
      const publishedParams = Number(entry.params_exact);
      assert.ok(Number.isInteger(publishedParams) && publishedParams > 0, `bad params_exact ${entry.params_exact}`);
      // The fixture itself must rebuild the published architecture, or the comparison means nothing.
      assert.equal(oc.params, publishedParams, `fixture ${oc.file} does not build the published ${model}`);
      assert.equal(rowOf(oc.id).got?.params, publishedParams, `analyzer params of ${oc.file}`);
    });
  }
});
