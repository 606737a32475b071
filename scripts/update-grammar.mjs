// Copies the tree-sitter runtime and Python grammar wasm from node_modules into grammars/ and
// rewrites grammars/PROVENANCE.json (version, sha256, origin), so the committed binaries are traceable.
// Usage: bump the pinned versions in package.json, `npm install`, then `node scripts/update-grammar.mjs`.
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Each committed wasm, the npm package that ships it and its path inside that package. */
const SOURCES = [
  {
    file: "tree-sitter.wasm",
    package: "web-tree-sitter",
    pathInPackage: "tree-sitter.wasm",
    role: "tree-sitter runtime compiled to WebAssembly (loaded by web-tree-sitter's Parser.init)",
  },
  {
    file: "tree-sitter-python.wasm",
    package: "tree-sitter-python",
    pathInPackage: "tree-sitter-python.wasm",
    role: "Python grammar (Language.load)",
  },
];

const root = process.cwd();
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const files = SOURCES.map((source) => {
  const pkgDir = join(root, "node_modules", source.package);
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const target = join(root, "grammars", source.file);
  copyFileSync(join(pkgDir, source.pathInPackage), target);
  const bytes = readFileSync(target);
  const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  return {
    file: source.file,
    role: source.role,
    package: source.package,
    version: pkg.version,
    pathInPackage: source.pathInPackage,
    license: pkg.license,
    repository,
    // The registry tarball's integrity, as recorded in package-lock.json.
    npmIntegrity: lock.packages?.[`node_modules/${source.package}`]?.integrity ?? null,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
});

const provenance = {
  description:
    "WebAssembly files committed in grammars/: copied verbatim from the npm packages below (no local build). " +
    "Regenerate with `node scripts/update-grammar.mjs` after changing the pinned versions in package.json; " +
    "test/unit/grammar.test.ts checks hashes and versions.",
  files,
};
writeFileSync(join(root, "grammars", "PROVENANCE.json"), `${JSON.stringify(provenance, null, 2)}\n`);
for (const f of files) console.log(`${f.file}: ${f.package}@${f.version} sha256 ${f.sha256}`);
