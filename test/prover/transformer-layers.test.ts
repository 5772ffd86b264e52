/**
 * The softmax IOP's pieces on their own (src/prover/layers/softmax.ts): geometry (row axes, limb count), the
 * witness against the executor's semantics, the division zero-check (completeness; every sent value altered is
 * rejected; a false witness is refused by the honest prover) and the remainder-bound check at the arena point.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError } from "../../src/prover/claims";
import {
  checkRemainderBound,
  proveSoftmaxDivision,
  SOFTMAX_LIMB_BITS,
  softmaxGeometry,
  softmaxWitness,
  verifySoftmaxDivision,
  type SoftmaxSpec,
} from "../../src/prover/layers/softmax";
import { evaluateTensor, LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";

const BITS = 8;
const LO = -(2 ** BITS - 1);
/** EXP at an input scale of 1/16, as the softmax plan builds it (round half away; the values are positive). */
const EXP = Array.from({ length: -LO + 1 }, (_, i) => Math.floor(Math.exp((LO + i) / 16) * 2 ** (BITS - 1) + 0.5));

function spec(x: number[], axes: number[]): SoftmaxSpec {
  return { x, axes, bits: BITS, qmax: 2 ** (BITS - 1) - 1, expOne: 2 ** (BITS - 1) };
}

/** The executor's softmax on a row-major tensor (rows over `axes`). */
function executor(s: SoftmaxSpec, q: number[]): number[] {
  const set = new Set(s.axes);
  const rowShape = s.x.map((d, a) => (set.has(a) ? 1 : d));
  const rowOf = (f: number) => {
    let o = 0;
    let rest = f;
    let stride = 1;
    for (let a = s.x.length - 1; a >= 0; a--) {
      const i = rest % s.x[a];
      rest = Math.floor(rest / s.x[a]);
      if (!set.has(a)) {
        o += i * stride;
        stride *= rowShape[a];
      }
    }
    return o;
  };
  const rows = new Map<number, number[]>();
  q.forEach((v, f) => rows.set(rowOf(f), [...(rows.get(rowOf(f)) ?? []), f]));
  const y = new Array<number>(q.length);
  for (const fs of rows.values()) {
    const m = Math.max(...fs.map((f) => q[f]));
    const e = fs.map((f) => EXP[q[f] - m - LO]);
    const S = e.reduce((a, b) => a + b, 0);
    fs.forEach((f, j) => (y[f] = Math.floor((2 * e[j] * s.qmax + S) / (2 * S))));
  }
  return y;
}

function randomQ(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x % 256) - 128;
  });
}

describe("prover: softmax IOP pieces", () => {
  it("derives the row shape and the limb count (rem, t < 2S ≤ n·2^b)", () => {
    const full = 2 ** (SOFTMAX_LIMB_BITS - BITS); // full·2^b = 2^L: rem, t < 2^L fit one limb
    expect(softmaxGeometry(spec([3, full], [1])).limbs).to.equal(1);
    expect(softmaxGeometry(spec([3, full + 1], [1])).limbs).to.equal(2);
    expect(() => softmaxGeometry({ ...spec([2, 3], [1]), bits: SOFTMAX_LIMB_BITS + 2 })).to.throw(LayoutError, /bit width/);
    const g = softmaxGeometry(spec([2, 3, 4], [1, 2]));
    expect(g.rowShape).to.deep.equal([2, 1, 1]);
    expect(g.n).to.equal(12);
    expect(() => softmaxGeometry(spec([2, 3], []))).to.throw(LayoutError, /bad row axes/);
    expect(() => softmaxGeometry(spec([2, 3], [2]))).to.throw(LayoutError, /bad row axes/);
  });

  it("the witness accepts exactly the executor's output", () => {
    const s = spec([3, 5], [1]);
    const q = randomQ(15, 3);
    const y = executor(s, q);
    const w = softmaxWitness(s, EXP, { shape: s.x, data: q }, { shape: s.x, data: y });
    expect(w.m.data).to.deep.equal([0, 1, 2].map((r) => Math.max(...q.slice(5 * r, 5 * r + 5))));
    const bad = y.slice();
    bad[4] += 1;
    expect(() => softmaxWitness(s, EXP, { shape: s.x, data: q }, { shape: s.x, data: bad })).to.throw(LayoutError, /not roundDiv/);
  });

  describe("division zero-check", () => {
    const s = spec([3, 2, 5], [2]);
    const q = randomQ(30, 9);
    const w = softmaxWitness(s, EXP, { shape: s.x, data: q }, { shape: s.x, data: executor(s, q) });
    const proved = proveSoftmaxDivision(s, w, new Transcript("test"));

    it("verifies and hands on claims that match the witness", () => {
      const claims = verifySoftmaxDivision(s, proved.proof, new Transcript("test"));
      const g = softmaxGeometry(s);
      expect(claims.y.value).to.equal(evaluateTensor(g.layout, executor(s, q), claims.y.point));
      expect(claims.e.value).to.equal(evaluateTensor(g.layout, w.e.data, claims.e.point));
    });

    for (const field of ["e", "s", "y"] as const) {
      it(`rejects an altered ${field} value`, () => {
        const bad = { ...proved.proof, [field]: Fr.add(proved.proof[field], 1n) };
        expect(() => verifySoftmaxDivision(s, bad, new Transcript("test"))).to.throw(LayerProofError, /does not vanish/);
      });
    }

    it("rejects an altered rem limb, a round coefficient, and a wrong number of limbs", () => {
      const rem = [Fr.add(proved.proof.rem[0], 1n)];
      expect(() => verifySoftmaxDivision(s, { ...proved.proof, rem }, new Transcript("test"))).to.throw(LayerProofError);
      const rounds = proved.proof.sumcheck.rounds.map((r, j) => (j === 1 ? [Fr.add(r[0], 1n), ...r.slice(1)] : r));
      expect(() => verifySoftmaxDivision(s, { ...proved.proof, sumcheck: { rounds } }, new Transcript("test"))).to.throw(LayerProofError);
      expect(() => verifySoftmaxDivision(s, { ...proved.proof, rem: [] }, new Transcript("test"))).to.throw(LayerProofError, /rem limbs/);
    });

    it("an honest prover refuses a witness whose quotient relation is false", () => {
      const y = w.tables.y.slice();
      y[0] = Fr.add(y[0], 1n);
      const forged = { ...w, tables: { ...w.tables, y } };
      expect(() => proveSoftmaxDivision(s, forged, new Transcript("test"))).to.throw(LayerProofError, /claim is false/);
    });
  });

  it("the remainder bound t = 2S − 1 − rem is checked at the arena point", () => {
    const s = spec([2, 3], [1]);
    const g = softmaxGeometry(s);
    const q = [5, -3, 7, 0, 0, 1];
    const w = softmaxWitness(s, EXP, { shape: s.x, data: q }, { shape: s.x, data: executor(s, q) });
    const point = [3n, 5n, 7n];
    const rowPt = point.slice(2); // the row axis (3 → 2 variables) is lowest
    const S = evaluateMle(w.tables.s, rowPt);
    const rem = w.tables.rem.map((t) => evaluateTensor(g.layout, unpad(t), point));
    const t = w.tables.t.map((c) => evaluateTensor(g.layout, unpad(c), point));
    expect(() => checkRemainderBound(s, g, point, S, rem, t)).to.not.throw();
    expect(() => checkRemainderBound(s, g, point, Fr.add(S, 1n), rem, t)).to.throw(LayerProofError, /remainder bound/);
    expect(() => checkRemainderBound(s, g, point, S, rem, [Fr.add(t[0], 1n)])).to.throw(LayerProofError, /remainder bound/);

    /** A padded [2, 3] table (layout [2, 4]) back to row-major data. */
    function unpad(table: readonly bigint[]): number[] {
      return [0, 1].flatMap((r) => [0, 1, 2].map((c) => Number(Fr.toSigned(table[4 * r + c]))));
    }
  });
});
