/**
 * Graph-input claims (src/prover/graph/public-claims.ts): when the walk leaves several claims on a graph input and
 * merging them pays, they are merged by the walk's claim merge and the public input is evaluated once. Completeness
 * on inputs that merge and inputs that do not; the merge's messages (its sum-check rounds and the merged value)
 * each altered are rejected at "graph inputs"; the compiler's claim counts and program agree with the walk.
 */
import { expect } from "chai";
import { importOnnx } from "../../src/model";
import { modelProgram, MODEL_OP, publicInputClaims } from "../../src/compiler/program/model";
import { verifierPlan } from "../../src/prover/graph";
import { mergesPublicClaims, PUBLIC_CLAIM_GAS } from "../../src/prover/graph/public-claims";
import { layoutOf } from "../../src/prover/tensor";
import { writeModel } from "../model/helpers/harness";
import { builtModel, proveModel, rejection, type ProvedModel } from "./graph-helpers";
import { fanOutGraph } from "./public-claims-graphs";

/** Proves X [rows, cols] read by `readers` MatMuls. */
function proveFanOut(rows: number, cols: number, readers: number): ProvedModel {
  const { model, trace } = builtModel(importOnnx(writeModel(fanOutGraph(rows, cols, readers))));
  return proveModel(model, trace);
}

/**
 * Words at the proof's end that hold a merge of the input's claims, if any: more than the merge (≤ 2·10 + 1 words
 * here) and the batch opening (≤ 4·17 + 3 words at the tests' SRS of 2^17) together.
 */
const TAIL_WORDS = 160;

/**
 * Every word of the proof (or of its last {@link TAIL_WORDS}) flipped: the rejection reasons' steps, and how many
 * words each step rejected.
 */
function sweep(p: ProvedModel, tail = false): Map<string, number> {
  const steps = new Map<string, number>();
  const words = p.proof.length / 32;
  for (let w = tail ? Math.max(0, words - TAIL_WORDS) : 0; w < words; w++) {
    const bad = p.proof.slice();
    bad[32 * w + 31] ^= 1;
    const why = rejection(p, p.statement, bad);
    expect(why, `word ${w}`).to.not.equal("accepted");
    const step = why.split(":")[0];
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  return steps;
}

describe("prover: graph-input claims merged before the public input is evaluated", function () {
  this.timeout(300_000);

  it("the merge rule: never for one claim; for a large input from two claims; for a small one only with many", () => {
    expect(mergesPublicClaims([1, 64, 64], 1)).to.equal(false);
    expect(mergesPublicClaims([1, 64, 64], 2)).to.equal(true);
    expect(mergesPublicClaims([1, 64, 64], 3)).to.equal(true);
    expect(mergesPublicClaims([32, 32], 2)).to.equal(true);
    expect(mergesPublicClaims([1, 3], 2)).to.equal(false);
    expect(mergesPublicClaims([1, 4], 100)).to.equal(true);
    // The rule is the inequality it states: saved evaluations against the merge.
    const g = PUBLIC_CLAIM_GAS;
    const cases: [number[], number][] = [
      [[1, 8], 2],
      [[1, 8], 6],
      [[4, 100], 2],
      [[1, 96, 1], 4],
      [[100, 4], 2],
    ];
    for (const [shape, k] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = layoutOf(shape).numVars;
      const pays = (k - 1) * (g.evaluation + g.evaluationValue * n) > g.mergeFixed + g.mergeRound * v + k * (g.mergeClaim + g.mergeClaimVar * v);
      expect(mergesPublicClaims(shape, k), `${shape.join("x")}, ${k} claims`).to.equal(pays);
    }
  });

  describe("X [32, 32] read by two MatMuls (two claims on 1,024 values: merged)", () => {
    let p: ProvedModel;
    before(() => {
      p = proveFanOut(32, 32, 2);
    });

    it("the compiler counts the walk's two claims and merges them before INPUT", () => {
      const plan = verifierPlan(p.vk, p.model);
      expect([...publicInputClaims(plan)]).to.deep.equal([["X", 2]]);
      const program = modelProgram(plan);
      // TAKE X, MERGEMANY 10 variables, INPUT X, END: the program's last bytes.
      const input = program.length - 1 - (1 + 2 + 4 + 1 + 2 * 4);
      expect(program[program.length - 1]).to.equal(MODEL_OP.end);
      expect(program[input]).to.equal(MODEL_OP.input);
      expect([...program.slice(input - 2, input)]).to.deep.equal([MODEL_OP.mergeMany, 10]);
      expect(program[input - 5]).to.equal(MODEL_OP.take);
    });

    it("the honest proof is accepted", () => {
      expect(rejection(p)).to.equal("accepted");
    });

    it("every proof word altered is rejected; the merge's 2·10 round words and its value at \"graph inputs\"", () => {
      const steps = sweep(p);
      expect(steps.get("graph inputs")).to.equal(2 * 10 + 1);
      expect([...steps.keys()]).to.include.members(["advice commitment", "arena", "batch opening"]);
    });

    it("a changed input value is rejected (the statement is absorbed first: the transcript diverges)", () => {
      const input = p.statement.input.slice();
      input[4 * 100 + 3] ^= 1;
      expect(rejection(p, { ...p.statement, input })).to.not.equal("accepted");
    });
  });

  describe("inputs that are not merged", () => {
    it("X [1, 3] read by two MatMuls: two claims on 3 values, each evaluated; no merge messages", () => {
      const p = proveFanOut(1, 3, 2);
      expect(rejection(p)).to.equal("accepted");
      expect([...publicInputClaims(verifierPlan(p.vk, p.model))]).to.deep.equal([["X", 2]]);
      expect(sweep(p, true).get("graph inputs")).to.equal(undefined);
    });

    it("X [32, 32] read by one MatMul: one claim", () => {
      const p = proveFanOut(32, 32, 1);
      expect(rejection(p)).to.equal("accepted");
      expect([...publicInputClaims(verifierPlan(p.vk, p.model))]).to.deep.equal([["X", 1]]);
    });
  });

  it("X [1, 4] read by six MatMuls: six claims on 4 values, merged (the evaluations' fixed cost)", () => {
    expect(mergesPublicClaims([1, 4], 6)).to.equal(true);
    const p = proveFanOut(1, 4, 6);
    expect(rejection(p)).to.equal("accepted");
    expect([...publicInputClaims(verifierPlan(p.vk, p.model))]).to.deep.equal([["X", 6]]);
    expect(sweep(p, true).get("graph inputs")).to.equal(2 * 2 + 1);
  });
});
