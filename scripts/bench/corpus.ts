// Builds benchmark inputs of a chosen size from the committed PyTorch fixtures (real-looking
// training scripts), so timings reflect the code users write rather than synthetic filler.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(process.cwd(), "test", "fixtures", "torch");

export function fixtureScripts(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".py")) out.push({ path: p, text: readFileSync(p, "utf8") });
    }
  };
  walk(FIXTURES);
  return out;
}

/** Concatenates whole fixture scripts until the text has at least `lines` lines. */
export function scriptOfLines(lines: number): string {
  // Top-level fixtures only: multi-file cases live in subfolders and import each other.
  const scripts = fixtureScripts().filter((s) => s.path.split("/").length === FIXTURES.split("/").length + 1);
  if (scripts.length === 0) throw new Error("no fixtures under test/fixtures/torch");
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const t = scripts[i % scripts.length].text;
    parts.push(t);
    count += t.split("\n").length;
  }
  return parts.join("\n");
}
