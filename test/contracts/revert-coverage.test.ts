import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every custom error a contract under contracts/ declares (the verifier, registry, token, staking, market and
 * governance; not the test doubles of contracts/test/) has at least one test that asserts it BY NAME somewhere
 * under test/: `revertedWithCustomError(<contract>, "<Error>")`, a decoded revert's name compared with the literal
 * (`.equal("<Error>")`), or a table of names a file asserts through a variable (`revertedWithCustomError(c, error)`,
 * `.to.equal(error)`). A revert test that only checks "it reverted" passes for the wrong reason as soon as an
 * earlier check fires; naming the error pins the path. An error no test names fails here, with its declaring file.
 *
 * The allow-list holds only errors no test can reach, each with the reason; IN_PROGRESS, errors of libraries being
 * written while this list was reviewed (their owners' tests are to name them).
 */
const ALLOWED_UNTESTED: Readonly<Record<string, string>> = {
  // β is a Fiat–Shamir challenge (keccak of the transcript) checked against 0, 1 and −1 so that the Lagrange nodes
  // stay distinct: a proof reaching it needs a transcript whose keccak lands on one of 3 values out of r ≈ 2^254
  // (a preimage search); no honest or tampered proof can be constructed for it, and no harness takes β as input.
  HyperKzgDegenerateChallenge: "HyperKZG.sol: β ∈ {0, 1, −1} needs a keccak preimage (probability 3/r)",
  // OpeningBatch.verify's guard against an empty batch: its one caller, ModelVerifierPcs.opening, calls it only when
  // `count != 0` (a model without openings skips the batch opening), so no program, proof or call reaches it.
  OpeningNoClaims: "OpeningBatch.sol: its only caller (ModelVerifierPcs.opening) skips it when count is 0",
  // Mle.inverse's modexp precompile call fails only when it runs out of gas, and then the 1/64 of the gas EIP-150
  // leaves the caller does not pay for the named revert: every gas limit at which the inverse fails reverts without
  // data. test/verifier-sol/revert-names-program.test.ts checks exactly that, one gas unit at a time, and fails
  // (so this entry must go) if an EVM change ever makes the revert reachable.
  ModexpFailed: "Mle.sol: reachable only out of gas, where the remaining 1/64 cannot pay the revert (tested)",
};

/**
 * Errors of libraries other engineers are still building when this list is reviewed: declared, not yet asserted by
 * name. Not a judgement of reachability — their owners' tests are expected to name them; an entry that a test names
 * is simply ignored (no stale-entry failure), and should then be removed. Empty since session 5: the tree and
 * indexed libraries' guards are named in test/verifier-sol/revert-names-tree-indexed.test.ts.
 */
const IN_PROGRESS: Readonly<Record<string, string>> = {};

const ROOT = join(__dirname, "..", "..");

/** Files under `dir` (recursively) whose name ends with `ext`. */
function files(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return files(path, ext);
    return e.name.endsWith(ext) ? [path] : [];
  });
}

/** Solidity source without its comments (a NatSpec line that mentions `error X(` declares nothing). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}

/** Declared error name → the files declaring it (an error may be declared by several contracts). */
export function declaredErrors(): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  const contracts = join(ROOT, "contracts");
  for (const file of files(contracts, ".sol")) {
    const rel = relative(ROOT, file);
    if (rel.startsWith(join("contracts", "test"))) continue;
    for (const m of stripComments(readFileSync(file, "utf8")).matchAll(/\berror\s+([A-Za-z_$][\w$]*)\s*\(/g)) {
      declared.set(m[1], [...(declared.get(m[1]) ?? []), rel]);
    }
  }
  return declared;
}

/** `revertedWithCustomError(<contract>, "<Name>")`, across line breaks. */
const CUSTOM_ERROR_LITERAL = /revertedWithCustomError\(\s*[\w$.]+(?:\([^()]*\))?\s*,\s*["'`]([A-Za-z_$][\w$]*)["'`]/g;
/** A decoded revert's name compared with a literal: `.equal("<Name>")`, `.eq("<Name>")`. */
const DECODED_NAME_LITERAL = /\.(?:equal|eq)\(\s*["'`]([A-Za-z_$][\w$]*)["'`]\s*\)/g;
/**
 * A table-driven by-name assertion: `revertedWithCustomError(<contract>, <variable>)` or a decoded name compared with
 * a variable called error / name / expected… In a file that has one, the names its table lists count as named.
 */
const BY_VARIABLE = /revertedWithCustomError\(\s*[\w$.]+\s*,\s*[A-Za-z_$][\w$.]*\s*\)|\.(?:equal|eq)\(\s*(?:error|name|expected)\w*\s*\)/;

/**
 * Error names some test asserts by name: the literal forms above anywhere under test/, and — in a file with a
 * table-driven assertion — every declared name the file spells as a string literal.
 */
export function namedInTests(declared: ReadonlySet<string>): Set<string> {
  const named = new Set<string>();
  for (const file of files(join(ROOT, "test"), ".ts")) {
    if (file === __filename) continue;
    const source = readFileSync(file, "utf8");
    for (const m of source.matchAll(CUSTOM_ERROR_LITERAL)) named.add(m[1]);
    for (const m of source.matchAll(DECODED_NAME_LITERAL)) if (declared.has(m[1])) named.add(m[1]);
    if (!BY_VARIABLE.test(source)) continue;
    for (const m of source.matchAll(/["'`]([A-Za-z_$][\w$]*)["'`]/g)) if (declared.has(m[1])) named.add(m[1]);
  }
  return named;
}

describe("contracts: every declared custom error is asserted by name in a test", () => {
  const declared = declaredErrors();
  const named = namedInTests(new Set(declared.keys()));

  it("finds the declarations and the assertions (the parsers read what they should)", () => {
    // Errors of each area, known to be declared and asserted: if a parser broke, these would go missing.
    for (const name of ["FieldElementNotCanonical", "ProofTruncated", "UnknownModel", "ProverNotRegistered"]) {
      expect(declared.has(name), `declared: ${name}`).to.equal(true);
      expect(named.has(name), `named in a test: ${name}`).to.equal(true);
    }
    expect(declared.size).to.be.greaterThan(150);
  });

  it("no declared error lacks a by-name assertion (outside the allow-list of unreachable ones)", () => {
    const missing = [...declared]
      .filter(([name]) => !named.has(name) && !(name in ALLOWED_UNTESTED) && !(name in IN_PROGRESS))
      .map(([name, where]) => `${name} (${where.join(", ")})`);
    expect(missing, `custom errors no test asserts by name:\n  ${missing.join("\n  ")}\n`).to.deep.equal([]);
  });

  it("the allow-list names only declared errors that no test names (no stale entries)", () => {
    for (const name of Object.keys(ALLOWED_UNTESTED)) {
      expect(declared.has(name), `allow-listed but not declared: ${name}`).to.equal(true);
      expect(named.has(name), `allow-listed but now asserted by name (remove it): ${name}`).to.equal(false);
      expect(name in IN_PROGRESS, `both lists: ${name}`).to.equal(false);
    }
  });
});
