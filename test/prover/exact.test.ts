/**
 * Exact integer values in the whole-model proof (kinds compare, logic, exact; docs/prover.md "Exact integer
 * values"). Completeness: the corpus's `less`, `boolean`, `boolean_identity` and a built graph with every proved
 * comparison (broadcast, a committed constant threshold), Or / Xor / And / Not, Cast, exact Add / Sub / Mul (a
 * constant operand) and a Reshape of integers. Soundness: every 32-byte word of the `less` proof flipped is
 * rejected; a dishonest comparison bit, logic output or exact sum (the driver's unsafe witness hook) is refused
 * or rejected, never accepted; a bool input that is not 0/1 is rejected by the statement check.
 */
import { expect } from "chai";
import { importOnnx, type IntegerTrace } from "../../src/model";
import { proveInference } from "../../src/prover/graph";
import { writeModel } from "../model/helpers/harness";
import { loadCorpusTrace } from "./corpus-helpers";
import { EVERY_EXACT_OP, logicGraph } from "./exact-graphs";
import { rejected, tamperedOutput, builtModel, graphSrs, proveModel, PROVER, type ProvedModel } from "./graph-helpers";

/** A dishonest proof of `trace` (unsafe hook) is refused by the prover or rejected by the verifier. */
function dishonestFails(honest: ProvedModel, trace: IntegerTrace): void {
  let proved;
  try {
    proved = proveInference({ setup: honest.setup, model: honest.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
  } catch (e) {
    expect(String(e)).to.match(/claim is false|not the sum over the hypercube|multiplicit|not in the table|outside|linear combination/);
    return;
  }
  expect(rejected(honest, proved.statement, proved.proof)).to.equal(true);
}

describe("prover: exact integer values (compare, logic, exact)", function () {
  this.timeout(300_000);

  for (const name of ["less", "boolean", "boolean_identity"]) {
    it(`${name}: proves and verifies`, function () {
      const loaded = loadCorpusTrace(name);
      if (!loaded) return this.skip();
      expect(rejected(proveModel(loaded.model, loaded.trace))).to.equal(false);
    });
  }

  it("a built graph of every proved comparison, logic op, Cast, exact Add / Sub / Mul and Reshape proves and verifies", () => {
    const { model, trace } = builtModel(importOnnx(writeModel(EVERY_EXACT_OP)));
    const kinds = new Set(model.graph.nodes.map((n) => model.plans.get(n.name)!.kind));
    expect([...kinds].sort()).to.deep.equal(["compare", "exact", "logic", "movement"]);
    // Both outcomes of the comparisons occur (the proof is not of a constant output).
    const l = trace.steps.find((s) => s.outputs[0] === "L")!.values[0].data;
    expect(new Set(Array.from(l))).to.deep.equal(new Set([0, 1]));
    const p = proveModel(model, trace);
    expect(rejected(p)).to.equal(false);
  });

  it("less: every 32-byte word of the proof flipped is rejected", function () {
    const loaded = loadCorpusTrace("less");
    if (!loaded) return this.skip();
    const p = proveModel(loaded.model, loaded.trace);
    for (let w = 0; w < p.proof.length / 32; w++) {
      const bad = Uint8Array.from(p.proof);
      bad[w * 32 + 31] ^= 1;
      expect(rejected(p, p.statement, bad), `word ${w}`).to.equal(true);
    }
  });

  it("less: a dishonest comparison bit (flipped, or 2) is refused or rejected", function () {
    const loaded = loadCorpusTrace("less");
    if (!loaded) return this.skip();
    const honest = proveModel(loaded.model, loaded.trace);
    const node = loaded.model.graph.nodes[loaded.model.graph.nodes.length - 1].name;
    for (const f of [(v: number) => 1 - v, () => 2]) dishonestFails(honest, tamperedOutput(loaded.trace, node, 0, f));
  });

  it("built graph: a dishonest comparison bit (≤, ≥, < with a constant) is refused or rejected", () => {
    const { model, trace } = builtModel(importOnnx(writeModel(EVERY_EXACT_OP)));
    const honest = proveModel(model, trace);
    const nodeOf = (out: string) => model.graph.nodes.find((n) => n.outputs[0] === out)!.name;
    for (const out of ["L", "G", "E", "H"]) dishonestFails(honest, tamperedOutput(trace, nodeOf(out), 5, (v) => 1 - v));
  });

  // An intermediate logic / exact value is never committed (its claims come from the output's), so a dishonest
  // prover's lie must reach the statement: each op's output is the graph output here, and is changed there.
  for (const [op, out, change] of [
    ["Or", "bool", (v: number) => 1 - v],
    ["Xor", "bool", (v: number) => 1 - v],
    ["And", "bool", (v: number) => 1 - v],
    ["Not", "bool", (v: number) => 1 - v],
    ["Add", "int64", (v: number) => v + 1],
    ["Mul", "int64", (v: number) => v + 1],
  ] as const) {
    it(`a dishonest ${op} output in the statement is refused or rejected`, () => {
      const { model, trace } = builtModel(importOnnx(writeModel(logicGraph(op, out))));
      const honest = proveModel(model, trace);
      expect(rejected(honest)).to.equal(false);
      const last = model.graph.nodes[model.graph.nodes.length - 1].name;
      for (const at of [0, 7]) dishonestFails(honest, tamperedOutput(trace, last, at, change));
    });
  }

  it("boolean: an input value other than 0/1 is rejected by the statement check", function () {
    const loaded = loadCorpusTrace("boolean");
    if (!loaded) return this.skip();
    const p = proveModel(loaded.model, loaded.trace);
    const bad = Uint8Array.from(p.statement.input);
    // The first input's first int32 (big-endian) set to 2.
    bad.set([0, 0, 0, 2], 0);
    expect(rejected(p, { ...p.statement, input: bad })).to.equal(true);
  });
});
