// Bounded fuzzing of the analyzer: mutated fixture scripts and random byte strings must never
// make the interpreter or a rule throw, nor exceed the step budget. Seeded, so a failure replays.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { Analyzer } from "../../server/src/analysis/analyze";
import { DEFAULT_BUDGET } from "../../server/src/analysis/evaluate";
import { loadPythonParser } from "../../server/src/analysis/parse/loadParser";
import { EMPTY_WORKSPACE } from "../../server/src/analysis/workspace";
import { resolveSettings } from "../../server/src/shared/settings";

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const MUTANTS = Number(process.env.FUZZ_MUTANTS ?? 1500);
const RANDOM_STRINGS = Number(process.env.FUZZ_RANDOM ?? 300);
/** Wall-clock cap for the whole suite, so the fuzz tier never stalls CI. */
const TIME_CAP_MS = 60_000;

/** mulberry32: tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  "(",
  ")",
  "[",
  "]",
  ":",
  ",",
  "=",
  "*",
  "**",
  "self",
  "nn.Linear(",
  "range(",
  "for i in ",
  "while True:\n    ",
  "def f():\n    return f()\n",
  "return",
  "x.view(-1",
  "super().__init__()",
  "\n    ",
  "\n",
  "lambda: ",
  "10**9",
  "None",
  "'",
  '"""',
  "\\",
  "@",
  "yield",
  "class C(C):\n    pass\n",
];

function mutate(text: string, rnd: () => number): string {
  const pick = (n: number) => Math.floor(rnd() * n);
  let t = text;
  const ops = 1 + pick(4);
  for (let i = 0; i < ops; i++) {
    const at = pick(t.length + 1);
    switch (pick(5)) {
      case 0: // delete a span
        t = t.slice(0, at) + t.slice(at + pick(80));
        break;
      case 1: // insert a token
        t = t.slice(0, at) + TOKENS[pick(TOKENS.length)] + t.slice(at);
        break;
      case 2: {
        // duplicate a line elsewhere
        const lines = t.split("\n");
        lines.splice(pick(lines.length), 0, lines[pick(lines.length)] ?? "");
        t = lines.join("\n");
        break;
      }
      case 3: // truncate
        t = t.slice(0, at);
        break;
      default: // swap a digit
        t = t.replace(/\d/, String(pick(10)));
    }
  }
  return t;
}

let analyzer: Analyzer;
let seeds: string[] = [];
before(async () => {
  analyzer = new Analyzer(await loadPythonParser(join(process.cwd(), "grammars")));
  const dir = join(process.cwd(), "test", "fixtures", "torch");
  seeds = readdirSync(dir)
    .filter((f) => f.endsWith(".py"))
    .map((f) => readFileSync(join(dir, f), "utf8"));
});

function check(text: string, label: string): void {
  const { analysis, tree } = analyzer.analyze({
    path: "/fuzz/x.py",
    text,
    settings: resolveSettings().settings,
    workspace: EMPTY_WORKSPACE,
  });
  tree?.delete();
  const crashes = analysis.notices.filter((n) => /internal error|stopped:/.test(n));
  assert.deepEqual(crashes, [], `${label}\n--- input ---\n${text.slice(0, 2000)}`);
  assert.ok(analysis.steps <= DEFAULT_BUDGET.maxSteps, `${label}: ${analysis.steps} steps`);
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`${MUTANTS} mutated fixture scripts`, () => {
    assert.ok(seeds.length > 0, "no fixture scripts to mutate");
    const rnd = prng(SEED);
    const start = Date.now();
    let done = 0;
    for (; done < MUTANTS && Date.now() - start < TIME_CAP_MS; done++) {
      check(mutate(seeds[done % seeds.length], rnd), `mutant ${done} of fixture ${done % seeds.length}`);
    }
    assert.ok(done >= Math.min(MUTANTS, 200), `only ${done} mutants ran within ${TIME_CAP_MS} ms`);
  });

  it(`${RANDOM_STRINGS} random strings`, () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < RANDOM_STRINGS; i++) {
      const len = Math.floor(rnd() * 400);
      let s = "";
      for (let j = 0; j < len; j++)
        s += String.fromCharCode(rnd() < 0.8 ? 32 + Math.floor(rnd() * 95) : Math.floor(rnd() * 0xffff));
      check(s, `random string ${i}`);
    }
  });
});
