// Repository layouts: modules picked by string (importlib), `__all__` re-exports, configs spread
// with `**` (OmegaConf DictConfig) and merged with launch-time overrides. Each case is a pattern
// from a multi-file project where a model used to vanish or take its defaults without a word.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { linearParams, model, ROOT, run } from "./evaluateHelpers";

const messages = (f: { unknowns: Array<{ message: string }> }) => f.unknowns.map((u) => u.message).join("\n");
const NET = "import torch.nn as nn\ndef build(n):\n    return nn.Linear(n, 7)\n";

describe("importlib.import_module", () => {
  test("a module named by a known string loads like an import", async () => {
    const f = await run(
      `import importlib\narch = "tiny"\nmod = importlib.import_module(f"models.{arch}")\nmodel = mod.build(12)\n`,
      { files: { [`${ROOT}/models/__init__.py`]: "", [`${ROOT}/models/tiny.py`]: NET } },
    );
    assert.equal(model(f, "model").params, linearParams(12, 7));
  });

  test("a relative name resolves against package=", async () => {
    const f = await run(`import importlib\nmodel = importlib.import_module(".tiny", package="models").build(5)\n`, {
      files: { [`${ROOT}/models/__init__.py`]: "", [`${ROOT}/models/tiny.py`]: NET },
    });
    assert.equal(model(f, "model").params, linearParams(5, 7));
  });

  test("a name known only at launch is an unknown that says so, not a silent gap", async () => {
    const f = await run(`import importlib, sys\nmod = importlib.import_module(sys.argv[1])\nmodel = mod.build(3)\n`, {
      files: { [`${ROOT}/tiny.py`]: NET },
    });
    assert.equal(f.models.length, 0);
    assert.match(messages(f), /importlib\.import_module of a module name known only at launch/);
  });
});

describe("star imports", () => {
  test("`from pkg import *` takes what __all__ lists, private names included", async () => {
    const pkg = "from .impl import _make_net, Other\n__all__ = ['_make_net']\n";
    const impl = "import torch.nn as nn\ndef _make_net():\n    return nn.Linear(4, 4)\nclass Other:\n    pass\n";
    const f = await run("from pkg import *\nmodel = _make_net()\n", {
      files: { [`${ROOT}/pkg/__init__.py`]: pkg, [`${ROOT}/pkg/impl.py`]: impl },
    });
    assert.equal(model(f, "model").params, linearParams(4, 4));
  });
});

describe("star imports of submodules", () => {
  test("a submodule __all__ lists is imported by `*` even when the package never imported it", async () => {
    const f = await run("from zoo import *\nmodel = tiny.build(6)\n", {
      files: { [`${ROOT}/zoo/__init__.py`]: "__all__ = ['tiny']\n", [`${ROOT}/zoo/tiny.py`]: NET },
    });
    assert.equal(model(f, "model").params, linearParams(6, 7));
  });
});

describe("** spreads of configs", () => {
  const VIT =
    "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, d_in=2, hidden=3):\n        super().__init__()\n        self.fc = nn.Linear(d_in, hidden)\n";

  test("an OmegaConf DictConfig spread into a constructor passes its keys", async () => {
    const f = await run(
      `from omegaconf import OmegaConf\nfrom net import Net\ncfg = OmegaConf.create({"model": {"d_in": 64, "hidden": 32}})\nmodel = Net(**cfg.model)\n`,
      { files: { [`${ROOT}/net.py`]: VIT } },
    );
    assert.equal(model(f, "model").params, linearParams(64, 32));
  });

  test("a spread of something the analysis cannot list leaves the defaults unknown", async () => {
    const f = await run(
      `from net import Net\nimport pickle\nhp = pickle.load(open("hp.pkl", "rb"))\nmodel = Net(**hp.kwargs)\n`,
      {
        files: { [`${ROOT}/net.py`]: VIT },
      },
    );
    // Net's defaults (2 -> 3) would be a confident wrong number: the spread may set both.
    assert.notEqual(model(f, "model").params, linearParams(2, 3));
  });
});

describe("OmegaConf.merge with launch-time parts", () => {
  const files = {
    [`${ROOT}/base.yaml`]: "model:\n  d_in: 16\n  hidden: 8\n",
    [`${ROOT}/exp.yaml`]: "model:\n  hidden: 24\n",
  };
  test("files merge key by key; from_dotlist(sys.argv[1:]) is noted as a launch override", async () => {
    const f = await run(
      `import sys\nimport torch.nn as nn\nfrom omegaconf import OmegaConf\ncfg = OmegaConf.merge(OmegaConf.load("base.yaml"), OmegaConf.load("exp.yaml"), OmegaConf.from_dotlist(sys.argv[1:]))\nmodel = nn.Linear(cfg.model.d_in, cfg.model.hidden)\n`,
      { files },
    );
    assert.equal(model(f, "model").params, linearParams(16, 24));
    assert.match(messages(f), /from_dotlist\(…\): overrides given at launch/);
  });

  test("a literal dotlist overrides typed values", async () => {
    const f = await run(
      `import torch.nn as nn\nfrom omegaconf import OmegaConf\ncfg = OmegaConf.merge(OmegaConf.load("base.yaml"), OmegaConf.from_dotlist(["model.hidden=40"]))\nmodel = nn.Linear(cfg.model.d_in, cfg.model.hidden)\n`,
      { files },
    );
    assert.equal(model(f, "model").params, linearParams(16, 40));
  });

  test("a part read at launch is noted, the known values kept", async () => {
    const f = await run(
      `import torch.nn as nn\nfrom omegaconf import OmegaConf\ncfg = OmegaConf.merge(OmegaConf.load("base.yaml"), OmegaConf.load("/abs/elsewhere.yaml"))\nmodel = nn.Linear(cfg.model.d_in, cfg.model.hidden)\n`,
      { files },
    );
    assert.match(messages(f), /OmegaConf\.merge of a config known only at launch/);
  });
});

describe("hydra.utils.instantiate", () => {
  const NET =
    "import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, d_in, hidden=3, head=None):\n        super().__init__()\n        self.fc = nn.Linear(d_in, hidden)\n        self.head = head\n";
  const files = { [`${ROOT}/src/__init__.py`]: "", [`${ROOT}/src/net.py`]: NET };
  const cfg = (yaml: string) =>
    `from hydra.utils import instantiate\nfrom omegaconf import OmegaConf\nimport yaml\ncfg = OmegaConf.create(yaml.safe_load(open("m.yaml")))\n${yaml}`;

  test("a _target_ in the workspace is built with the node's keys; nested targets first", async () => {
    const f = await run(cfg("model = instantiate(cfg.model)\n"), {
      files: {
        ...files,
        [`${ROOT}/m.yaml`]:
          "model:\n  _target_: src.net.Net\n  d_in: 20\n  hidden: 10\n  head:\n    _target_: torch.nn.Linear\n    in_features: 10\n    out_features: 4\n",
      },
    });
    assert.equal(model(f, "model").params, linearParams(20, 10) + linearParams(10, 4));
  });

  test("_partial_ gives a callable that takes the rest (an optimizer given its params later)", async () => {
    const f = await run(cfg("make = instantiate(cfg.layer)\nmodel = make(out_features=6)\n"), {
      files: {
        ...files,
        [`${ROOT}/m.yaml`]: "layer:\n  _target_: torch.nn.Linear\n  _partial_: true\n  in_features: 9\n",
      },
    });
    assert.equal(model(f, "model").params, linearParams(9, 6));
  });

  test("keyword arguments given to instantiate win over the config's", async () => {
    const f = await run(cfg("model = instantiate(cfg.model, d_in=7)\n"), {
      files: { ...files, [`${ROOT}/m.yaml`]: "model:\n  _target_: src.net.Net\n  d_in: 20\n" },
    });
    assert.equal(model(f, "model").params, linearParams(7, 3));
  });

  test("a _target_ the analysis cannot find is an unknown naming it", async () => {
    const f = await run(cfg("model = instantiate(cfg.model)\n"), {
      files: { ...files, [`${ROOT}/m.yaml`]: "model:\n  _target_: mylib.nets.Big\n  width: 4\n" },
    });
    assert.equal(f.models.length, 0);
    assert.match(messages(f), /_target_ mylib\.nets\.Big is neither a modelled library nor a workspace file/);
  });
});

describe("attribute-dict configs and eval of a dotted name", () => {
  const BODY = "import torch.nn as nn\nmodel = nn.Linear(cfg.model.d_in, cfg.model.hidden)\n";
  const files = { [`${ROOT}/c.yaml`]: "model:\n  d_in: 30\n  hidden: 12\n" };

  for (const [lib, make] of [
    ["easydict", "from easydict import EasyDict as edict\ncfg = edict(yaml.safe_load(open('c.yaml')))"],
    ["munch", "from munch import munchify\ncfg = munchify(yaml.safe_load(open('c.yaml')))"],
    ["ml_collections", "import ml_collections\ncfg = ml_collections.ConfigDict(yaml.safe_load(open('c.yaml')))"],
  ] as const) {
    test(`${lib}: nested keys read as attributes`, async () => {
      const f = await run(`import yaml\n${make}\n${BODY}`, { files });
      assert.equal(model(f, "model").params, linearParams(30, 12));
    });
  }

  test("an EasyDict built key by key in a config module, then update()d", async () => {
    const conf =
      "from easydict import EasyDict as edict\ncfg = edict()\ncfg.model = edict()\ncfg.model.d_in = 8\ncfg.model.hidden = 4\ncfg.model.update({'hidden': 16})\n";
    const f = await run(`from conf import cfg\n${BODY}`, { files: { [`${ROOT}/conf.py`]: conf } });
    assert.equal(model(f, "model").params, linearParams(8, 16));
  });

  test("yacs: defaults, merge_from_file of a workspace YAML, launch overrides noted", async () => {
    const defaults =
      "from yacs.config import CfgNode as CN\n_C = CN()\n_C.model = CN()\n_C.model.d_in = 5\n_C.model.hidden = 6\ndef get_cfg():\n    return _C.clone()\n";
    const f = await run(
      `import sys\nfrom defaults import get_cfg\ncfg = get_cfg()\ncfg.merge_from_file("exp.yaml")\ncfg.merge_from_list(sys.argv[1:])\ncfg.freeze()\n${BODY}`,
      { files: { [`${ROOT}/defaults.py`]: defaults, [`${ROOT}/exp.yaml`]: "model:\n  hidden: 50\n" } },
    );
    assert.equal(model(f, "model").params, linearParams(5, 50));
    assert.match(messages(f), /merge_from_list\(…\): overrides given at launch/);
  });

  test('eval("pkg.module.factory") looks the dotted name up; other code is an unknown', async () => {
    const pkg = { [`${ROOT}/nets/__init__.py`]: "from . import small\n", [`${ROOT}/nets/small.py`]: NET };
    const f = await run(`import nets\nname = "small"\nmodel = eval("nets." + name + ".build")(9)\n`, { files: pkg });
    assert.equal(model(f, "model").params, linearParams(9, 7));
    const g = await run(`import nets\nmodel = eval("nets.small.build(9) if True else None")\n`, { files: pkg });
    assert.equal(g.models.length, 0);
    assert.match(messages(g), /eval\(\) of code other than a dotted name/);
  });
});

describe("a model picked from a namespace by name", () => {
  const pkg = { [`${ROOT}/nets/__init__.py`]: "from .small import build\n", [`${ROOT}/nets/small.py`]: NET };
  test("globals()[name] after a star import", async () => {
    const f = await run(`from nets import *\narch = "build"\nmodel = globals()[arch](11)\n`, { files: pkg });
    assert.equal(model(f, "model").params, linearParams(11, 7));
  });
  test("vars(module)[name]", async () => {
    const f = await run(`import nets\nmodel = vars(nets)["build"](13)\n`, { files: pkg });
    assert.equal(model(f, "model").params, linearParams(13, 7));
  });
});
