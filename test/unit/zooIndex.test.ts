// The zoo-wide lookup (frameworks/zoo/index.ts) against the zoo data files themselves, and the rule
// that every catalog row in every zoo data file (whichever exist: torchvision, timm, Hugging Face,
// Keras, ...) says where its numbers come from.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  findZooModel,
  lookupZooModel,
  registerZooCatalog,
  zooLibraries,
} from "../../server/src/analysis/frameworks/zoo/index";

const DATA = join(process.cwd(), "server/src/analysis/frameworks/zoo/data");
type Json = Record<string, unknown>;
const load = (file: string) => JSON.parse(readFileSync(join(DATA, file), "utf8").replace(/\bNaN\b/g, "null")) as Json;

/** A file's catalog rows: its `models` (object or array), else its top-level arrays/objects of objects. */
function rows(data: Json): Array<[string, Json]> {
  const pick = (v: unknown): Array<[string, Json]> =>
    Array.isArray(v)
      ? v.map((r, i) => [String((r as Json).id ?? (r as Json).name ?? i), r as Json])
      : Object.entries(v as Json).map(([k, r]) => [k, r as Json]);
  if (data.models) return pick(data.models);
  return Object.values(data)
    .filter((v) => typeof v === "object" && v !== null)
    .flatMap((v) => pick(v).filter(([, r]) => typeof r === "object" && r !== null));
}

/** Non-empty strings under any key naming a source (source, configSource, sourceUrl, sources…), at any depth. */
function sources(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(sources);
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) =>
    /source/i.test(k) && typeof x === "string" && x.trim()
      ? [x]
      : /source/i.test(k) && Array.isArray(x)
        ? x.filter((s) => typeof s === "string" && s.trim())
        : sources(x),
  );
}

describe("zoo data sources", () => {
  const files = readdirSync(DATA).filter((f) => f.endsWith(".json"));

  it("finds the zoo data files", () => {
    assert.ok(files.includes("torchvision.json") && files.includes("timm.json"), files.join(", "));
  });

  for (const file of files) {
    it(`${file}: every row has a non-empty source (its own, or the generating oracle's for the file)`, () => {
      const data = load(file);
      const fileSource = typeof data.source === "string" && data.source.trim() ? data.source : null;
      const list = rows(data);
      assert.ok(list.length > 0, `${file} has no rows`);
      const missing = list.filter(([, r]) => sources(r).length === 0 && !fileSource).map(([k]) => k);
      assert.deepEqual(missing, []);
    });
  }
});

describe("lookupZooModel", () => {
  it("torchvision: every row's params and default-input MACs equal the oracle", () => {
    const tv = load("torchvision.json").models as Record<string, Json>;
    for (const [name, r] of Object.entries(tv)) {
      const info = lookupZooModel("torchvision", name)!;
      assert.equal(info.params, r.params, name);
      const macs = (r.macs as Record<string, { macs: number }>)[String(r.defaultResolution)].macs;
      assert.equal(info.forwardMacs, macs, name);
      assert.ok(info.exact && info.source.includes("torchvision_zoo.py"));
    }
  });

  it("timm: every row, exact or flagged with its tolerance", () => {
    const timm = load("timm.json").models as Record<string, Json>;
    for (const [name, r] of Object.entries(timm)) {
      const info = lookupZooModel("timm", name)!;
      assert.equal(info.params, r.params, name);
      assert.equal(info.exact, r.exact, name);
      if (!info.exact) assert.ok(info.paramsTolerance > 0, name);
      assert.match(info.source, /pytorch-image-models/);
    }
  });

  it("Hugging Face rows carry their published count and source", () => {
    const hf = load("huggingface.json").models as Json[];
    for (const r of hf) {
      const info = lookupZooModel("huggingface", r.id as string)!;
      assert.equal(info.params, (r.published as Json).params, r.id as string);
      assert.ok(info.source.length > 0);
    }
  });

  it("keras.applications rows: params and include_top MACs at the default input equal the Keras oracle", () => {
    const k = load("keras_applications.json").models as Record<string, Json>;
    for (const [name, r] of Object.entries(k)) {
      const info = lookupZooModel("keras", name)!;
      assert.equal(info.params, r.params, name);
      assert.equal(info.forwardMacs, r.macsTopAtDefault ?? null, name);
      assert.ok(info.source.includes("Keras"), name);
    }
  });

  it("a name in two libraries answers from both; resnet50 is the same network in each", () => {
    const both = findZooModel("resnet50");
    assert.deepEqual(both.map((m) => m.library).sort(), ["timm", "torchvision"]);
    assert.equal(both[0].params, both[1].params);
    assert.equal(lookupZooModel("timm", "resnet_made_up"), undefined);
    assert.equal(lookupZooModel("no_such_library", "resnet50"), undefined);
  });

  it("another library joins through registerZooCatalog", () => {
    registerZooCatalog({
      library: "test-lib",
      names: () => ["m"],
      find: (n) => (n === "m" ? { ...lookupZooModel("timm", "resnet18")!, library: "test-lib", name: "m" } : undefined),
    });
    assert.ok(zooLibraries().includes("test-lib"));
    assert.equal(lookupZooModel("test-lib", "m")?.params, lookupZooModel("timm", "resnet18")?.params);
  });
});
