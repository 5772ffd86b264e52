import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Licences a runtime dependency of an MIT project may carry. */
const PERMISSIVE = /^(MIT|MIT-0|ISC|BSD-2-Clause|BSD-3-Clause|0BSD|Apache-2\.0|Unlicense|CC0-1\.0|BlueOak-1\.0\.0|Python-2\.0)$/;

interface NpmTree {
  dependencies?: Record<string, NpmTree & { path?: string }>;
}

/** Every package reachable through `dependencies` (not devDependencies), with its installed path. */
function runtimePackages(): Map<string, string> {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--json", "--long"], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const found = new Map<string, string>();
  const walk = (tree: NpmTree) => {
    for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
      if (child.path && !found.has(`${name}@${child.path}`)) {
        found.set(`${name}@${child.path}`, child.path);
        walk(child);
      }
    }
  };
  walk(JSON.parse(out) as NpmTree);
  return found;
}

function licenceOf(path: string): string {
  const pkg = JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as {
    license?: string | { type: string };
    licenses?: { type: string }[];
  };
  if (typeof pkg.license === "string") return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  return (pkg.licenses ?? []).map((l) => l.type).join(" OR ") || "UNKNOWN";
}

/** True when an SPDX expression admits a permissive choice ("A OR B") and every "AND" part is permissive. */
function isPermissive(expression: string): boolean {
  const alternatives = expression.replace(/[()]/g, "").split(/\s+OR\s+/);
  return alternatives.some((alt) => alt.split(/\s+AND\s+/).every((id) => PERMISSIVE.test(id.trim())));
}

describe("project: licences", () => {
  it("is MIT itself", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { license: string };
    expect(pkg.license).to.equal("MIT");
    expect(readFileSync("LICENSE", "utf8")).to.match(/^MIT License/);
  });

  it("ships only permissively licensed runtime dependencies (GPL peers stay dev-only)", () => {
    const packages = runtimePackages();
    expect(packages.size).to.be.greaterThan(5);
    const offenders = [...packages]
      .map(([id, path]) => ({ id, licence: licenceOf(path) }))
      .filter(({ licence }) => !isPermissive(licence));
    expect(offenders, JSON.stringify(offenders, null, 2)).to.deep.equal([]);
  });

  it("recognises a copyleft licence as not permissive", () => {
    expect(isPermissive("GPL-3.0")).to.equal(false);
    expect(isPermissive("(MIT OR GPL-3.0)")).to.equal(true);
    expect(isPermissive("MIT AND GPL-3.0")).to.equal(false);
  });
});
