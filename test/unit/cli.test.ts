// `node dist/cli.js check`: the JSON contract (validated against docs/cli-json.schema.json), the
// text table, exit codes, folder walking and unreadable input. Expected model sizes come from
// the committed oracle (test/oracle/expected.json).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { exact } from "../../server/src/analysis/format";

const ROOT = process.cwd();
const CLI = join(ROOT, "dist", "cli.js");
const schema = JSON.parse(readFileSync(join(ROOT, "docs", "cli-json.schema.json"), "utf8"));
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const oracle: { cases: Array<{ id: string; params: number; forwardMacs: number }> } = JSON.parse(
  readFileSync(join(ROOT, "test", "oracle", "expected.json"), "utf8"),
);

function footprint(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Schema = Record<string, unknown>;
/** A small JSON Schema check (type, const, enum, required, properties, items, $ref, oneOf): enough for this schema. */
function validate(value: unknown, s: Schema, path: string, errors: string[]): void {
  if (typeof s.$ref === "string") {
    validate(value, resolveRef(s.$ref), path, errors);
    return;
  }
  if (Array.isArray(s.oneOf)) {
    const ok = (s.oneOf as Schema[]).filter((alt) => {
      const e: string[] = [];
      validate(value, alt, path, e);
      return e.length === 0;
    });
    if (ok.length !== 1) errors.push(`${path}: matches ${ok.length} of oneOf`);
    return;
  }
  if ("const" in s && value !== s.const) errors.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (s.type !== undefined) {
    const types = [s.type].flat() as string[];
    const actual =
      value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
    const fits = types.some((t) => t === actual || (t === "number" && actual === "integer"));
    if (!fits) {
      errors.push(`${path}: ${actual} is not ${types.join("|")}`);
      return;
    }
  }
  if (typeof s.pattern === "string" && typeof value === "string" && !new RegExp(s.pattern).test(value)) {
    errors.push(`${path}: "${value}" does not match ${s.pattern}`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const key of (s.required as string[] | undefined) ?? []) {
      if (!(key in value)) errors.push(`${path}: missing required "${key}"`);
    }
    for (const [key, sub] of Object.entries((s.properties as Record<string, Schema>) ?? {})) {
      if (key in value) validate((value as Record<string, unknown>)[key], sub, `${path}.${key}`, errors);
    }
  }
  if (Array.isArray(value) && s.items) {
    for (const [i, v] of value.entries()) validate(v, s.items as Schema, `${path}[${i}]`, errors);
  }
}
function resolveRef(ref: string): Schema {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: Schema, key) => node[key] as Schema, schema);
}

describe("footprint check --format json", () => {
  const run = footprint(["check", "examples", "test/fixtures/torch/mnist_cnn.py", "--format", "json"]);
  const json = JSON.parse(run.stdout);

  it("exits 0 and matches the documented schema", () => {
    assert.equal(run.code, 0, run.stderr);
    const errors: string[] = [];
    validate(json, schema, "$", errors);
    assert.deepEqual(errors, []);
    assert.equal(json.version, 1);
  });

  it("the schema check itself rejects documents that break the contract", () => {
    const broken = structuredClone(json);
    broken.version = 2;
    delete broken.files[0].path;
    broken.files.at(-1).models[0].params = "many";
    const errors: string[] = [];
    validate(broken, schema, "$", errors);
    assert.deepEqual(errors, [
      "$.version: expected 1",
      '$.files[0]: missing required "path"',
      `$.files[${broken.files.length - 1}].models[0].params: string is not integer`,
    ]);
  });

  it("lists every example script by its relative path, in name order", () => {
    const examples = readdirSync(join(ROOT, "examples"))
      .filter((f) => f.endsWith(".py"))
      .sort()
      .map((f) => `examples/${f}`);
    assert.deepEqual(
      json.files.map((f: { path: string }) => f.path),
      [...examples, "test/fixtures/torch/mnist_cnn.py"],
    );
  });

  it("reports the oracle's exact parameters and FLOPs for a PyTorch model, lines 1-based", () => {
    const expected = oracle.cases.find((c) => c.id === "mnist_cnn#model")!;
    const file = json.files.find((f: { path: string }) => f.path === "test/fixtures/torch/mnist_cnn.py");
    const model = file.models.find((m: { name: string }) => m.name === "model");
    assert.equal(model.params, expected.params);
    assert.equal(model.forwardFlops, 2 * expected.forwardMacs);
    const source = readFileSync(join(ROOT, "test/fixtures/torch/mnist_cnn.py"), "utf8").split("\n");
    assert.match(source[model.line - 1], /model = Net\(/);
    const fp100 = file.findings.find((f: { code: string }) => f.code === "FP100");
    assert.equal(fp100.line, model.line);
    assert.ok(fp100.message.includes(exact(expected.params)));
  });
});

describe("footprint check (text, exit codes, files)", () => {
  const dir = mkdtempSync(join(tmpdir(), "footprint-cli-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a readable table with models, runs, findings and a total", () => {
    const r = footprint(["check", "test/fixtures/torch/mnist_cnn.py"]);
    assert.equal(r.code, 0, r.stderr);
    const expected = oracle.cases.find((c) => c.id === "mnist_cnn#model")!;
    assert.match(
      r.stdout,
      /^test\/fixtures\/torch\/mnist_cnn\.py\n {2}Models\n {4}model +line +params +trainable +GFLOPs\/sample +input/,
    );
    assert.ok(r.stdout.includes(exact(expected.params)));
    assert.match(r.stdout, / {2}Findings\n {4}test\/fixtures\/torch\/mnist_cnn\.py:\d+:\d+ {2}\w+ {2}FP\d{3} /);
    assert.match(r.stdout, /\nTotal: 1 file\(s\), 1 model\(s\), \d+ training run\(s\)/);
  });

  it("--format markdown prints the report with a layer table", () => {
    const r = footprint(["check", "test/fixtures/torch/mnist_cnn.py", "--format", "markdown"]);
    assert.equal(r.code, 0, r.stderr);
    const expected = oracle.cases.find((c) => c.id === "mnist_cnn#model")!;
    assert.match(r.stdout, /^# Footprint report\n\n## test\/fixtures\/torch\/mnist_cnn\.py\n/);
    assert.ok(r.stdout.includes(`### \`model\` — Net (pytorch)`));
    assert.ok(r.stdout.includes(`- **${exact(expected.params)} parameters**`));
    assert.match(r.stdout, /\| `fc1` \(line \d+\) \| Linear \| [\d,]+ \|/);
  });

  it("--format sarif writes a SARIF 2.1.0 log: every rule with its docs link, each finding at its 1-based place", () => {
    const r = footprint(["check", "examples", "test/fixtures/rules/unmodelled/flax_mnist.py", "--format", "sarif"]);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    const json = JSON.parse(
      footprint(["check", "examples", "test/fixtures/rules/unmodelled/flax_mnist.py", "--format", "json"]).stdout,
    );
    assert.equal(log.version, "2.1.0");
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, "Footprint Lint");
    const rules: Array<{ id: string; helpUri: string }> = run.tool.driver.rules;
    assert.ok(rules.some((x) => x.id === "FP102"));
    for (const x of rules) assert.equal(x.helpUri.split("/").pop(), `${x.id}.md`);
    // The same findings as the JSON report, in order, with levels mapped and lines kept.
    const expected = json.files.flatMap(
      (f: { path: string; findings: Array<{ code: string; severity: string; line: number }> }) =>
        f.findings.map((x) => [
          f.path,
          x.code,
          x.severity === "warning" ? "warning" : x.severity === "error" ? "error" : "note",
          x.line,
        ]),
    );
    const got = run.results.map(
      (x: {
        ruleId: string;
        level: string;
        ruleIndex: number;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      }) => {
        assert.equal(rules[x.ruleIndex].id, x.ruleId);
        const loc = x.locations[0].physicalLocation;
        return [loc.artifactLocation.uri, x.ruleId, x.level, loc.region.startLine];
      },
    );
    assert.deepEqual(got, expected);
    assert.ok(got.some((x: string[]) => x[1] === "FP102" && x[0] === "test/fixtures/rules/unmodelled/flax_mnist.py"));
    assert.deepEqual(run.invocations[0].toolExecutionNotifications, []);
  });

  it("--quiet prints nothing when no budget is exceeded", () => {
    const r = footprint(["check", "examples", "--quiet"]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
  });

  it("exits 1 when the energy or CO2e budget may be exceeded, 0 when it holds", () => {
    const json = JSON.parse(footprint(["check", "examples", "--format", "json"]).stdout);
    const total = json.totals.energyKWh;
    assert.ok(total && total.high > 0, "the examples contain at least one priced run");
    const over = footprint(["check", "examples", "--max-kwh", String(total.high / 2)]);
    assert.equal(over.code, 1);
    assert.match(over.stdout, /Budget exceeded: --max-kwh/);
    assert.equal(footprint(["check", "examples", "--max-kwh", String(total.high * 2)]).code, 0);
    const co2 = json.totals.co2eKg;
    assert.equal(footprint(["check", "examples", "--max-co2", String(co2.high / 2), "--quiet"]).code, 1);
  });

  it("exits 2 on usage errors and missing paths; --help and --version exit 0", () => {
    assert.equal(footprint(["check"]).code, 2);
    assert.equal(footprint(["lint", "examples"]).code, 2);
    assert.equal(footprint(["check", "examples", "--colour"]).code, 2);
    assert.equal(footprint(["check", "examples", "--format", "xml"]).code, 2);
    assert.match(
      footprint(["check", "examples", "--format", "xml"]).stderr,
      /--format must be text, json, markdown or sarif/,
    );
    const pue = footprint(["check", "examples", "--pue", "9"]);
    assert.equal(pue.code, 2);
    assert.match(pue.stderr, /footprint\.pue: expected a number from 1 to 3/);
    assert.equal(footprint(["check", "examples", "--max-kwh", "lots"]).code, 2);
    const missing = footprint(["check", "no/such/dir"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: no\/such\/dir/);
    const help = footprint(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: footprint check/);
    assert.equal(footprint(["--version"]).stdout.trim(), manifest.version);
  });

  it("walks folders for *.py, skipping node_modules, .git and virtual environments", () => {
    const tree = ["a.py", "pkg/b.py", "node_modules/x/c.py", ".git/d.py", "venv/e.py", "myenv/f.py", "notes.txt"];
    for (const p of tree) {
      mkdirSync(join(dir, "walk", p, ".."), { recursive: true });
      writeFileSync(join(dir, "walk", p), "x = 1\n");
    }
    writeFileSync(join(dir, "walk", "myenv", "pyvenv.cfg"), "home = /usr/bin\n");
    const r = footprint(["check", "walk", "--format", "json"], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).files.map((f: { path: string }) => f.path),
      ["walk/a.py", "walk/pkg/b.py"],
    );
  });

  it("a script given by path, run from elsewhere, imports its siblings and reads its config", () => {
    const proj = join(dir, "proj");
    mkdirSync(join(proj, "configs"), { recursive: true });
    writeFileSync(join(proj, "configs", "net.yaml"), "hidden: 48\n");
    writeFileSync(join(proj, "nets.py"), "from torch import nn\n\ndef make(h):\n    return nn.Linear(16, h)\n");
    writeFileSync(
      join(proj, "train.py"),
      'import yaml\nfrom nets import make\n\ncfg = yaml.safe_load(open("configs/net.yaml"))\nmodel = make(cfg["hidden"])\n',
    );
    // cwd is the repository, not the project: the file's own folder is still part of its workspace.
    const r = footprint(["check", join(proj, "train.py"), "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const [file] = JSON.parse(r.stdout).files;
    assert.deepEqual(
      file.models.map((m: { params: number }) => m.params),
      [16 * 48 + 48],
    );
    assert.ok(
      file.notices.some((n: string) => n.includes("reads configs/net.yaml")),
      file.notices.join("\n"),
    );
  });

  it("turns binary, non-UTF-8 and huge files into notices, not crashes", () => {
    mkdirSync(join(dir, "bad"), { recursive: true });
    writeFileSync(join(dir, "bad", "binary.py"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    writeFileSync(join(dir, "bad", "latin1.py"), Buffer.from("x = 'caf\xe9'\n", "latin1"));
    writeFileSync(join(dir, "bad", "huge.py"), "x = 1\n".repeat(500_000));
    const r = footprint(["check", "bad", "--format", "json"], dir);
    assert.equal(r.code, 0, r.stderr);
    const notices = Object.fromEntries(
      JSON.parse(r.stdout).files.map((f: { path: string; notices: string[] }) => [f.path, f.notices]),
    );
    assert.deepEqual(notices["bad/binary.py"], ["Not analysed: binary or not UTF-8 text."]);
    assert.deepEqual(notices["bad/latin1.py"], ["Not analysed: binary or not UTF-8 text."]);
    assert.match(notices["bad/huge.py"][0], /^Not analysed: 3\.0 MB is over the 2 MB limit/);
  });

  it("does not block on a named pipe given on the command line", () => {
    const fifo = join(dir, "pipe.py");
    const made = spawnSync("mkfifo", [fifo]);
    assert.equal(made.status, 0, "mkfifo is available (coreutils)");
    const r = footprint(["check", fifo, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).files[0].notices, ["Not analysed: not a regular file."]);
  });

  it("applies [tool.footprint] from the nearest pyproject.toml and warns about bad values", () => {
    mkdirSync(join(dir, "proj", "src"), { recursive: true });
    writeFileSync(join(dir, "proj", "pyproject.toml"), '[tool.footprint]\nregion = "FRA"\ndevice_count = "two"\n');
    writeFileSync(join(dir, "proj", "src", "train.py"), "x = 1\n");
    const r = footprint(["check", "proj"], dir);
    assert.equal(r.code, 0);
    assert.match(
      r.stderr,
      /proj\/pyproject\.toml: footprint\.deviceCount: expected a positive integer, got "two"; using 1/,
    );
    writeFileSync(join(dir, "proj", "pyproject.toml"), "[tool.footprint\n");
    assert.match(footprint(["check", "proj"], dir).stderr, /not valid TOML/);
  });
});
