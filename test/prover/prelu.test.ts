/**
 * The PReLU selection step (y = y₊ + n·(y₋ − y₊) over every claim on y): completeness with one and several
 * claims (true claims handed on to y₊, y₋ and n), soundness (every message tampered, a false claim refused and
 * rejected, a wrong sign bit caught by a false claim on n, no claims refused). The requantizations and the sign
 * lookup around it run in the graph driver (`more-layers-e2e.test.ts`, per-channel PRelu end to end).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { provePrelu, verifyPrelu, type PreluClaims } from "../../src/prover/layers/prelu";
import { layoutOf, paddedTable } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor } from "./helpers";
import { randomFrs, tamperedCopies } from "./select-helpers";

const shape = [2, 3, 5];
const layout = layoutOf(shape);
const x = intTensor(shape, "prelu/x", 2047);
const pos = paddedTable(layout, x.data.map((v) => Math.floor(v / 3)));
const neg = paddedTable(layout, x.data.map((v) => Math.floor(v / 7)));
const sign = paddedTable(layout, x.data.map((v) => (v < 0 ? 1 : 0)));
const y = paddedTable(layout, x.data.map((v) => (v < 0 ? Math.floor(v / 7) : Math.floor(v / 3))));

function claimsAt(seeds: string[]): Claim[] {
  return seeds.map((s) => {
    const point = randomFrs(layout.numVars, s);
    return { point, value: evaluateMle(y, point) };
  });
}

function allTrue(c: PreluClaims, tables = { pos, neg, sign }): boolean {
  return evaluateMle(tables.pos, c.pos.point) === c.pos.value && evaluateMle(tables.neg, c.neg.point) === c.neg.value && evaluateMle(tables.sign, c.sign.point) === c.sign.value;
}

describe("prover: PReLU selection step", () => {
  for (const seeds of [["one"], ["a", "b", "c"]]) {
    it(`completeness with ${seeds.length} claim(s)`, () => {
      const claims = claimsAt(seeds);
      const { proof, claims: pc } = provePrelu({ shape, claims, tables: { pos, neg, sign }, transcript: new Transcript("prelu") });
      const vc = verifyPrelu({ shape, claims, proof, transcript: new Transcript("prelu") });
      expect(vc).to.deep.equal(pc);
      expect(allTrue(vc)).to.equal(true);
      expect(proof.sumcheck.rounds.flat()).to.have.length(3 * layout.numVars);
    });
  }

  it("every message tampered: rejected or a false claim handed on", () => {
    const claims = claimsAt(["a", "b"]);
    const { proof } = provePrelu({ shape, claims, tables: { pos, neg, sign }, transcript: new Transcript("prelu") });
    for (const { path, proof: bad } of tamperedCopies(proof)) {
      let caught = false;
      try {
        caught = !allTrue(verifyPrelu({ shape, claims, proof: bad, transcript: new Transcript("prelu") }));
      } catch (e) {
        expect(e, path).to.be.instanceOf(LayerProofError);
        caught = true;
      }
      expect(caught, path).to.equal(true);
    }
  });

  it("a false claim is refused by the prover and rejected by the verifier", () => {
    const claims = claimsAt(["f"]);
    const { proof } = provePrelu({ shape, claims, tables: { pos, neg, sign }, transcript: new Transcript("prelu") });
    const bad = [{ point: claims[0].point, value: Fr.add(claims[0].value, 1n) }];
    expect(() => provePrelu({ shape, claims: bad, tables: { pos, neg, sign }, transcript: new Transcript("prelu") })).to.throw(LayerProofError, /false/);
    let caught = false;
    try {
      caught = !allTrue(verifyPrelu({ shape, claims: bad, proof, transcript: new Transcript("prelu") }));
    } catch (e) {
      expect(e).to.be.instanceOf(LayerProofError);
      caught = true;
    }
    expect(caught).to.equal(true);
  });

  it("a flipped sign bit makes the selection disagree with y (the prover refuses); no claims are refused", () => {
    const flipped = [...sign];
    flipped[0] = Fr.sub(1n, flipped[0]);
    expect(() => provePrelu({ shape, claims: claimsAt(["s"]), tables: { pos, neg, sign: flipped }, transcript: new Transcript("prelu") })).to.throw(LayerProofError, /false/);
    expect(() => provePrelu({ shape, claims: [], tables: { pos, neg, sign }, transcript: new Transcript("prelu") })).to.throw(LayerProofError, /no claim/);
  });
});
