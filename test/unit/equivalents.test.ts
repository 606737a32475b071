// The report's everyday equivalents: km by car and smartphone charges from the EPA calculator,
// each factor's citation quoting the figure its constant holds, and docs/EQUIVALENTS.md listing
// every factor with that figure and a source, so code, citation and doc cannot drift apart.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  EQUIVALENT_FACTORS,
  equivalentsFor,
  KG_CO2_PER_SMARTPHONE_CHARGE,
  KG_CO2E_PER_VEHICLE_MILE,
  KM_PER_MILE,
} from "../../extension/src/report/equivalents";

const doc = readFileSync(join(process.cwd(), "docs", "EQUIVALENTS.md"), "utf8");
const factor = (id: string) => {
  const f = EQUIVALENT_FACTORS.find((x) => x.id === id);
  assert.ok(f, `${id} is an equivalent`);
  return f;
};

/** "3.93 × 10⁻⁴ t" → 0.393 kg: the EPA's metric-ton figure as written in a citation. */
function tonnesInCitation(citation: string): number {
  const m = /([\d.]+) × 10⁻([⁰¹²³⁴⁵⁶⁷⁸⁹]+) t CO2/.exec(citation);
  assert.ok(m, `no "N × 10⁻k t CO2" figure in: ${citation}`);
  const exponent = Number([...m[2]].map((c) => "⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(c)).join(""));
  return Number(m[1]) * 10 ** -exponent * 1000;
}

test("km by car and smartphone charges lead the list, from the EPA calculator's figures", () => {
  assert.deepEqual(
    EQUIVALENT_FACTORS.slice(0, 2).map((f) => f.id),
    ["car-km", "phone-charges"],
  );
  const km = factor("car-km");
  assert.equal(km.kgPerUnit, KG_CO2E_PER_VEHICLE_MILE / KM_PER_MILE);
  // 0.393 kg per mile over an exact 1.609344 km: 244 g per km.
  assert.equal(Math.round(km.kgPerUnit * 1000), 244);
  assert.equal(factor("phone-charges").kgPerUnit, KG_CO2_PER_SMARTPHONE_CHARGE);
});

test("each calculator factor's citation quotes the figure its constant holds", () => {
  for (const [id, kg] of [
    ["car-km", KG_CO2E_PER_VEHICLE_MILE],
    ["phone-charges", KG_CO2_PER_SMARTPHONE_CHARGE],
  ] as const) {
    const f = factor(id);
    assert.match(f.citation, /US EPA, Greenhouse Gas Equivalencies Calculator/);
    assert.match(f.citation, /https:\/\/www\.epa\.gov\//);
    assert.ok(Math.abs(tonnesInCitation(f.citation) - kg) < 1e-12, `${id}: ${f.citation} vs ${kg} kg`);
  }
});

test("docs/EQUIVALENTS.md has a row with the figure and a source for every factor", () => {
  const rows = doc
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| Equivalent") && !l.startsWith("|---"));
  for (const f of EQUIVALENT_FACTORS) {
    const row = rows.find((r) => r.startsWith(`| ${f.unit} |`));
    assert.ok(row, `no row for "${f.unit}" in docs/EQUIVALENTS.md`);
    const cells = row.split(" | ");
    assert.equal(cells.length, 3, `${f.unit}: equivalent, factor and source columns`);
    assert.match(cells[2], /EPA/, `${f.unit}: the source column names the EPA`);
  }
  for (const id of ["car-km", "phone-charges"]) {
    const quoted = /: (\d\.\d+ × 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+ t CO2e?)/.exec(factor(id).citation)?.[1];
    assert.ok(quoted && doc.includes(quoted), `the doc quotes ${quoted}`);
  }
});

test("a CO2e range becomes the same range in km and charges, and nothing without an estimate", () => {
  const range = { low: 0.054, high: 0.34 };
  const eq = equivalentsFor(range);
  const km = eq.find((e) => e.id === "car-km");
  assert.deepEqual(km?.amount, { low: 0.054 / (0.393 / 1.609344), high: 0.34 / (0.393 / 1.609344) });
  const phones = eq.find((e) => e.id === "phone-charges");
  assert.deepEqual(phones?.amount, { low: 0.054 / 0.0124, high: 0.34 / 0.0124 });
  assert.deepEqual(equivalentsFor(null), []);
});
