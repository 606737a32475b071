// The idle-time collector (lsp/idleGc.ts): V8's gc, exposed to a fresh context only, collects the
// young generation; FOOTPRINT_IDLE_GC=off turns it off; the main context gets no `gc` global.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getHeapSpaceStatistics } from "node:v8";
import { youngGenerationCollector } from "../../server/src/lsp/idleGc";

describe("youngGenerationCollector", () => {
  it("is off when asked", () => {
    assert.equal(youngGenerationCollector({ FOOTPRINT_IDLE_GC: "off" }), null);
  });

  it("empties the young generation of garbage, leaving live objects and the global scope alone", () => {
    const collect = youngGenerationCollector({});
    assert.ok(collect, "V8 exposes gc to a new context");
    const live = Array.from({ length: 100 }, (_, i) => ({ i }));
    let junk: unknown[] | null = [];
    for (let i = 0; i < 5_000; i++) junk.push({ i, pad: [i, i, i] });
    junk = null;
    const before = newSpaceUsed();
    collect();
    const after = newSpaceUsed();
    assert.ok(after < before, `young generation ${before} -> ${after} bytes`);
    assert.equal(live[99].i, 99);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
  });
});

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_used_size ?? Number.NaN;
}
