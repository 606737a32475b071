// The hand-written thousands separator that replaced toLocaleString("en-US") on the analysis path
// (ICU's first use cost ~25 ms of the server's first analysis): identical output on every integer
// form the analysis formats (counts, params, samples, steps, negatives, powers of ten and their
// neighbours, random safe integers), and the non-integer cases still delegated to toLocaleString.
import assert from "node:assert/strict";
import { test } from "node:test";
import { exact, thousands } from "../../server/src/analysis/format";

test("thousands equals toLocaleString('en-US') on integers of every length", () => {
  const values: number[] = [0, 1, -1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 12345, 99999, 100000];
  for (let p = 0; p <= 15; p++) {
    const v = 10 ** p;
    values.push(v, v - 1, v + 1, -v, -(v - 1), 2 * v, 7 * v + 3);
  }
  values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 11_689_512, 25_557_032, 1_199_882, 60_000, 872);
  // A seeded LCG over many magnitudes, so the check is deterministic.
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 20000; i++) {
    const digits = 1 + Math.floor(rand() * 16);
    const v = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(rand() * 10 ** digits));
    values.push(v, -v);
  }
  for (const v of values) assert.equal(thousands(v), v.toLocaleString("en-US"), String(v));
});

test("thousands delegates fractions, -0, NaN, infinities and unsafe integers to toLocaleString", () => {
  for (const v of [
    0.5,
    1234.5678,
    -1234.5,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53,
    1e21,
    1.5e300,
  ]) {
    assert.equal(thousands(v), v.toLocaleString("en-US"), String(v));
  }
});

test("exact rounds then groups", () => {
  assert.equal(exact(1199882), "1,199,882");
  assert.equal(exact(1234.6), "1,235");
  assert.equal(exact(-0.4), (-0).toLocaleString("en-US"));
  assert.equal(exact(999.5), "1,000");
});
