// Child-process side of codeCache.test.ts: compiles and runs one bundle with the code cache in a
// fresh V8 (in one process V8's own compilation cache would answer instead of the file), then
// prints the status, what the bundle recorded and what save() said, as JSON.
import { compileWithCodeCache } from "../../../server/src/codeCache";

const [file, dir] = process.argv.slice(2);
const run = compileWithCodeCache(file, dir === "-" ? null : dir);
run.execute();
const saved = run.save();
process.stdout.write(
  JSON.stringify({
    status: run.status,
    reason: run.reason ?? null,
    ran: (globalThis as Record<string, unknown>).__codeCacheTest,
    saved,
  }),
);
