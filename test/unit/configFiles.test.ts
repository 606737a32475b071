// Config files read from the workspace as data: `yaml.safe_load(open(...))`, `json.load`,
// `OmegaConf.load` and `@hydra.main` composition. The values they hold size the models and runs;
// a file the workspace lacks, or cannot parse, leaves them unknown with the reason.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { createWorkspaceReader } from "../../server/src/lsp/workspaceReader";
import { DEFAULT_SETTINGS } from "../../server/src/shared/settings";
import { conv2dParams, linearParams, model, ROOT, run } from "./evaluateHelpers";

const MLP = `import torch.nn as nn
model = nn.Sequential(nn.Linear(cfg["d_in"], cfg["hidden"]), nn.ReLU(), nn.Linear(cfg["hidden"], 10))
`;
const mlpParams = (dIn: number, hidden: number) => linearParams(dIn, hidden) + linearParams(hidden, 10);
const messages = (f: { unknowns: Array<{ message: string }> }) => f.unknowns.map((u) => u.message).join("\n");

describe("yaml and json files", () => {
  test("yaml.safe_load of an opened workspace file sizes the model, and says which file it read", async () => {
    const f = await run(`import yaml\nwith open("configs/mlp.yaml") as fh:\n    cfg = yaml.safe_load(fh)\n${MLP}`, {
      files: { [`${ROOT}/configs/mlp.yaml`]: "# sizes\nd_in: 784\nhidden: 256\nlr: 3e-4\n" },
    });
    assert.equal(model(f, "model").params, mlpParams(784, 256));
    assert.match(messages(f), /yaml\.safe_load reads configs\/mlp\.yaml from the workspace/);
  });

  test("anchors and merge keys resolve as PyYAML's loader does", async () => {
    const yaml = "base: &base\n  d_in: 32\n  hidden: 64\nbig:\n  <<: *base\n  hidden: 512\n";
    const f = await run(`import yaml\nall_cfg = yaml.safe_load(open("c.yml"))\ncfg = all_cfg["big"]\n${MLP}`, {
      files: { [`${ROOT}/c.yml`]: yaml },
    });
    assert.equal(model(f, "model").params, mlpParams(32, 512));
  });

  test("an int stays an int (its floor division sizes a layer)", async () => {
    const f = await run(
      `import yaml\ncfg = yaml.safe_load(open("c.yaml"))\nimport torch.nn as nn\nmodel = nn.Linear(cfg["n"] // 2, 3)\n`,
      { files: { [`${ROOT}/c.yaml`]: "n: 9\nx: 1.0\n" } },
    );
    assert.equal(model(f, "model").params, linearParams(4, 3));
  });

  test("json.load reads a JSON config beside the script", async () => {
    const f = await run(`import json\nwith open("hparams.json", "r") as fh:\n    cfg = json.load(fh)\n${MLP}`, {
      files: { [`${ROOT}/hparams.json`]: '{"d_in": 100, "hidden": 40, "dropout": 0.1}' },
    });
    assert.equal(model(f, "model").params, mlpParams(100, 40));
  });

  test("a file the workspace lacks leaves the sizes unknown, naming the file", async () => {
    const f = await run(`import yaml\ncfg = yaml.safe_load(open("configs/missing.yaml"))\n${MLP}`);
    assert.equal(model(f, "model").paramsInexact, "lowerBound");
    assert.match(messages(f), /open\("configs\/missing\.yaml"\): no such file in the workspace/);
  });

  test("a file that does not parse is an unknown with the parser's reason", async () => {
    const f = await run(`import yaml\ncfg = yaml.safe_load(open("bad.yaml"))\n${MLP}`, {
      files: { [`${ROOT}/bad.yaml`]: "d_in: [1, 2\nhidden: 3\n" },
    });
    assert.equal(model(f, "model").paramsInexact, "lowerBound");
    assert.match(messages(f), /bad\.yaml does not parse as YAML\/JSON/);
  });

  test("files opened for writing are not read; binary ones feed loaders but not read()", async () => {
    const files = { [`${ROOT}/c.yaml`]: "d_in: 8\nhidden: 8\n" };
    const written = await run(`import yaml\ncfg = yaml.safe_load(open("c.yaml", "w"))\n${MLP}`, { files });
    assert.equal(model(written, "model").paramsInexact, "lowerBound");
    const binary = await run(`import yaml\ncfg = yaml.safe_load(open("c.yaml", "rb"))\n${MLP}`, { files });
    assert.equal(model(binary, "model").params, mlpParams(8, 8));
    const bytes = await run(`import yaml\ncfg = yaml.safe_load(open("c.yaml", "rb").read())\n${MLP}`, { files });
    assert.equal(model(bytes, "model").paramsInexact, "lowerBound");
  });

  test("TOML: tomllib over a binary file, and the toml package's load of a path", async () => {
    const files = {
      [`${ROOT}/train.toml`]: "[net]\nd_in = 64 # inputs\nhidden = 32\nstarted = 2024-05-01T10:00:00Z\nlr = 1e-3\n",
    };
    const tomllib = await run(
      `import tomllib\nwith open("train.toml", "rb") as fh:\n    cfg = tomllib.load(fh)["net"]\n${MLP}`,
      { files },
    );
    assert.equal(model(tomllib, "model").params, mlpParams(64, 32));
    assert.match(messages(tomllib), /tomllib\.load reads train\.toml from the workspace/);
    const toml = await run(`import toml\ncfg = toml.load("train.toml")["net"]\n${MLP}`, { files });
    assert.equal(model(toml, "model").params, mlpParams(64, 32));
  });
});

describe("paths built the ways scripts build them", () => {
  const files = { [`${ROOT}/cfg/a.yaml`]: "d_in: 16\nhidden: 48\n" };
  for (const [idiom, load] of [
    [
      "os.path beside __file__",
      'import os\nhere = os.path.dirname(os.path.abspath(__file__))\ncfg = yaml.safe_load(open(os.path.join(here, "cfg", "a.yaml")))',
    ],
    ["Path(...).read_text()", 'from pathlib import Path\ncfg = yaml.safe_load(Path("cfg/a.yaml").read_text())'],
    [
      "Path(__file__).parent / ... .open()",
      'from pathlib import Path\nwith (Path(__file__).resolve().parent / "cfg" / "a.yaml").open() as fh:\n    cfg = yaml.safe_load(fh)',
    ],
    [
      "str(Path) into open()",
      'import pathlib\np = pathlib.Path(__file__).parent.joinpath("cfg", "a.yaml")\ncfg = yaml.safe_load(open(str(p)))',
    ],
  ] as const) {
    test(idiom, async () => {
      const f = await run(`import yaml\n${load}\n${MLP}`, { files });
      assert.equal(model(f, "model").params, mlpParams(16, 48));
    });
  }

  test("os.path.join drops what comes before an absolute part, as Python's does", async () => {
    const f = await run(
      `import os, yaml\ncfg = yaml.safe_load(open(os.path.join("/elsewhere", "${ROOT}/cfg/a.yaml")))\n${MLP}`,
      { files },
    );
    assert.equal(model(f, "model").params, mlpParams(16, 48));
  });
});

describe("OmegaConf and Hydra", () => {
  // \u0024{model.width}: OmegaConf interpolation (written so that it is not a JS template placeholder).
  test("OmegaConf.load reads the YAML, with interpolation of another key", async () => {
    const f = await run(
      `from omegaconf import OmegaConf\nimport torch.nn as nn\ncfg = OmegaConf.load("conf.yaml")\nmodel = nn.Linear(cfg.model.width, cfg.head.width)\n`,
      { files: { [`${ROOT}/conf.yaml`]: "model:\n  width: 96\nhead:\n  width: \u0024{model.width}\n" } },
    );
    assert.equal(model(f, "model").params, linearParams(96, 96));
  });

  const HYDRA_SCRIPT = `import hydra
import torch.nn as nn

@hydra.main(config_path="conf", config_name="config", version_base=None)
def main(cfg):
    global model
    model = nn.Linear(cfg.model.d_in, cfg.model.d_out)

main()
`;

  test("group options nest under their group; _self_ first lets the groups override the primary's keys", async () => {
    const f = await run(HYDRA_SCRIPT, {
      files: {
        [`${ROOT}/conf/config.yaml`]: "defaults:\n  - _self_\n  - model: small\nmodel:\n  d_in: 1000\n  d_out: 1000\n",
        [`${ROOT}/conf/model/small.yaml`]: "d_in: 20\nd_out: 5\n",
      },
    });
    assert.equal(model(f, "model").params, linearParams(20, 5));
  });

  test("a `_global_` option merges at the root; `optional` groups the tree lacks are skipped quietly", async () => {
    const f = await run(HYDRA_SCRIPT, {
      files: {
        [`${ROOT}/conf/config.yaml`]: "defaults:\n  - preset: tiny\n  - optional extras: none\n",
        [`${ROOT}/conf/preset/tiny.yaml`]: "# @package _global_\nmodel:\n  d_in: 12\n  d_out: 3\n",
      },
    });
    assert.equal(model(f, "model").params, linearParams(12, 3));
    assert.doesNotMatch(messages(f), /extras/);
  });

  test("a missing (non-optional) group option is said, and the values it would set stay unknown", async () => {
    const f = await run(HYDRA_SCRIPT, {
      files: { [`${ROOT}/conf/config.yaml`]: "defaults:\n  - model: huge\n" },
    });
    assert.equal(model(f, "model").paramsInexact, "lowerBound");
    assert.match(messages(f), /conf\/model\/huge\.yaml is not in the workspace/);
  });

  test("without the config tree, @hydra.main's config is given at launch", async () => {
    const f = await run(HYDRA_SCRIPT);
    assert.equal(model(f, "model").paramsInexact, "lowerBound");
    assert.match(messages(f), /the configuration is read at launch/);
  });
});

describe("a Hydra project on disk (test/fixtures/runs/hydra_groups)", () => {
  let analyzer: Analyzer;
  before(async () => {
    analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  });

  test("the composed config sizes the CNN and schedules the run", () => {
    const dir = join(process.cwd(), "test/fixtures/runs/hydra_groups");
    const path = join(dir, "train.py");
    const { analysis } = analyzer.analyze({
      path,
      text: readFileSync(path, "utf8"),
      settings: DEFAULT_SETTINGS,
      workspace: createWorkspaceReader([dir]),
    });
    // conf/model/cnn_small.yaml: channels [32, 64], hidden 128, 10 classes; 28x28 input pooled twice to 7x7.
    const expected =
      conv2dParams(1, 32, 3) + conv2dParams(32, 64, 3) + linearParams(64 * 7 * 7, 128) + linearParams(128, 10);
    assert.deepEqual(
      analysis.models.map((m) => m.params),
      [expected],
    );
    assert.equal(analysis.runs.length, 1);
    const { spec } = analysis.runs[0];
    // trainer/default.yaml says 5 epochs; config.yaml's own `trainer.epochs: 12` comes after it (_self_ last).
    assert.equal(spec.epochs, 12);
    assert.equal(spec.trainSamples, 60000);
    assert.equal(spec.batchSize, 64);
    assert.ok(
      analysis.notices.some((n) => n.includes("@hydra.main composes conf/config.yaml, conf/model/cnn_small.yaml")),
    );
  });
});

describe("hostile config files", () => {
  test("an alias bomb and a 20,000-deep nesting are refused with a reason, not expanded", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]"];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
    ])
      levels.push(`${name}: &${name} [${`*${prev},`.repeat(9)}]`);
    for (const [file, text, why] of [
      ["bomb.yaml", `${levels.join("\n")}\nf: [${"*e,".repeat(9)}]\n`, /could not be read \(Excessive alias count/],
      ["deep.yaml", `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n`, /does not parse as YAML\/JSON/],
    ] as const) {
      const f = await run(`import yaml\ncfg = yaml.safe_load(open("${file}"))\n${MLP}`, {
        files: { [`${ROOT}/${file}`]: text },
      });
      assert.equal(model(f, "model").paramsInexact, "lowerBound");
      assert.match(messages(f), why);
    }
  });
});
