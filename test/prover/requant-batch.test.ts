/**
 * The batched requantization zero-check (src/prover/layers/requant.ts `proveRequantBatch` / `verifyRequantBatch`,
 * src/prover/layers/requant-zerocheck.ts `proveBatchedZeroCheck`; docs/prover.md "Requantization"): every
 * requantization's relation to its accumulator as ONE zero-check over N = max n_i variables at a prefix of one
 * arena point. Completeness for one step and for steps of different sizes (0, 2, 4 and 6 variables, every ū mode):
 * N rounds, each step's acc claim at ρ′[0 … n_i) and its group openings true against the committed tables; the
 * portable and the packed rounds agree; every message tampered (each round word, each evaluation) is rejected, as
 * are a bumped arena value, an arena point that is not a prefix of ρ_a, two steps' evaluations swapped, a step
 * dropped, and a false arena value the prover refuses.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError } from "../../src/prover/claims";
import { proveRequantBatch, requantGroupTables, requantGroupVars, requantTables, verifyRequantBatch, type ArenaLimbs, type RequantBatchProof, type RequantBatchProverItem, type RequantEvals } from "../../src/prover/layers/requant";
import { proveBatchedZeroCheck, evaluateTerms } from "../../src/prover/layers/requant-zerocheck";
import { requantGeometry, requantWitness, type RequantSpec } from "../../src/prover/layers/requant-spec";
import { evaluateTensor, layoutOf, type IntTensor } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import type { ProductTerm } from "../../src/sumcheck";
import { eqTable } from "../../src/poly/mle";
import { randomFrs, randomInts } from "./helpers";

const BITS = 12;

/** The arena's point: one ρ_a, each step's limb values at its prefix. */
const RHO_A = randomFrs(8, "batch-rho-a");

function item(spec: RequantSpec, seed: string): RequantBatchProverItem {
  const size = spec.shape.reduce((p, d) => p * d, 1);
  const acc: IntTensor = { shape: spec.shape, data: randomInts(size, seed, Number(spec.accBound)) };
  const tables = requantTables(spec, requantWitness(spec, acc));
  const point = RHO_A.slice(0, layoutOf(spec.shape).numVars);
  const arena: ArenaLimbs = { point, values: [...tables.rem, ...tables.e, ...tables.u, ...tables.uc].map((t) => evaluateMle(t, point)) };
  return { spec, acc, tables, arena };
}

const spec = (shape: readonly number[], multiplier: bigint, shift: number, extra: Partial<RequantSpec> = {}): RequantSpec => ({ shape, multiplier, shift, bits: BITS, accBound: 2n ** 28n, ...extra });

/** Steps of 0, 2, 4 and 6 variables: a plain requantization, a Clip (ū derived), a 6-bit-limb one (ū committed). */
const ITEMS = [
  item(spec([3, 5], 1_400_000_000n, 40), "a"),
  item(spec([1], 3n, 8), "b"),
  item(spec([2, 2], 70_000n, 16, { lo: -5n, hi: 9n, limbBits: 6 }), "c"),
  item(spec([6, 7, 1], -2_000_000_000n, 45, { lo: -100n, hi: 1000n }), "d"),
  item(spec([3], 1n, 0, { accBound: 2n ** 11n }), "e"),
];

function prove(items: readonly RequantBatchProverItem[], unsafe = false) {
  return proveRequantBatch(items, new Transcript("batch-test"), unsafe);
}

function verify(items: readonly RequantBatchProverItem[], proof: RequantBatchProof) {
  return verifyRequantBatch(
    items.map((it) => ({ spec: it.spec, arena: it.arena })),
    proof,
    new Transcript("batch-test"),
  );
}

/** Every handed-on value checked against the true acc and group tables. */
function resolves(items: readonly RequantBatchProverItem[], proof: RequantBatchProof): boolean {
  let out;
  try {
    out = verify(items, proof);
  } catch (e) {
    if (e instanceof LayerProofError) return false;
    throw e;
  }
  return items.every((it, i) => {
    const geo = requantGeometry(it.spec);
    const o = out[i];
    const groups = requantGroupTables(geo, it.tables);
    return (
      evaluateTensor(layoutOf(it.acc.shape), it.acc.data, o.acc.point) === o.acc.value &&
      o.groups.length === requantGroupVars(geo).length &&
      o.groups.every((g) => evaluateMle(groups[g.group], g.claim.point) === g.claim.value)
    );
  });
}

const bumpEvals = (ev: RequantEvals, k: number): RequantEvals => {
  const flat = [ev.acc, ev.p, ev.q, ...ev.rem, ...ev.e, ...ev.u, ...ev.uc];
  flat[k] = Fr.add(flat[k], 1n);
  let at = 3;
  const take = (n: number) => flat.slice(at, (at += n));
  return { acc: flat[0], p: flat[1], q: flat[2], rem: take(ev.rem.length), e: take(ev.e.length), u: take(ev.u.length), uc: take(ev.uc.length) };
};

describe("prover: requantizations batched into one zero-check", () => {
  it("completeness: one step, and steps of 4, 0, 2, 6 and 2 variables (N = 6 rounds; each acc at its prefix of ρ′)", () => {
    for (const items of [ITEMS.slice(0, 1), ITEMS]) {
      const { proof, claims } = prove(items);
      const n = Math.max(...items.map((it) => layoutOf(it.spec.shape).numVars));
      expect(proof.rounds.length).to.equal(n);
      expect(resolves(items, proof)).to.equal(true);
      const rho = claims.reduce<readonly bigint[]>((best, c) => (c.acc.point.length > best.length ? c.acc.point : best), []);
      claims.forEach((c, i) => expect(c.acc.point).to.deep.equal(rho.slice(0, layoutOf(items[i].spec.shape).numVars)));
    }
  });

  it("the batched rounds: portable and packed agree; instances of different sizes sum as one eq-weighted check", () => {
    const terms: ProductTerm[] = [
      { coeff: 5n, factors: [0] },
      { coeff: Fr.neg(3n), factors: [0, 1] },
      { coeff: 7n, factors: [1, 1] },
    ];
    const a = randomFrs(9, "zc-a");
    const instances = [9, 3, 0, 7].map((n, i) => ({ tables: [0, 1].map((k) => randomFrs(2 ** n, `zc-${i}-${k}`)), terms, eqPoint: a.slice(0, n) }));
    const weights = randomFrs(4, "zc-w");
    const claim = instances.reduce((acc, inst, i) => {
      const eq = eqTable(inst.eqPoint);
      let s = 0n;
      for (let x = 0; x < eq.length; x++) s = Fr.add(s, Fr.mul(eq[x], evaluateTerms(terms, inst.tables.map((t) => t[x]))));
      return Fr.add(acc, Fr.mul(weights[i], s));
    }, 0n);
    const packed = proveBatchedZeroCheck({ instances, weights, claim, transcript: new Transcript("zc") });
    const portable = proveBatchedZeroCheck({ instances, weights, claim, transcript: new Transcript("zc"), portable: true });
    expect(packed.rounds).to.deep.equal(portable.rounds);
    expect(packed.finalEvaluations).to.deep.equal(portable.finalEvaluations);
    instances.forEach((inst, i) => expect(portable.finalEvaluations[i]).to.deep.equal(inst.tables.map((t) => evaluateMle(t, portable.point.slice(0, inst.eqPoint.length)))));
    expect(() => proveBatchedZeroCheck({ instances, weights, claim: Fr.add(claim, 1n), transcript: new Transcript("zc") })).to.throw(LayerProofError, "false");
  });

  it("every round word and every evaluation tampered is rejected", () => {
    const { proof } = prove(ITEMS);
    proof.rounds.forEach((r, j) =>
      [0, 1].forEach((k) => {
        const rounds = proof.rounds.map((x, i) => (i === j ? (k === 0 ? [Fr.add(x[0], 1n), x[1]] : [x[0], Fr.add(x[1], 1n)]) : x)) as RequantBatchProof["rounds"];
        expect(resolves(ITEMS, { ...proof, rounds }), `round ${j} word ${k}`).to.equal(false);
      }),
    );
    proof.evals.forEach((ev, i) => {
      const count = 3 + ev.rem.length + ev.e.length + ev.u.length + ev.uc.length;
      for (let k = 0; k < count; k++) {
        const evals = proof.evals.map((x, j) => (j === i ? bumpEvals(x, k) : x));
        expect(resolves(ITEMS, { ...proof, evals }), `step ${i} evaluation ${k}`).to.equal(false);
      }
    });
    expect(resolves(ITEMS, { ...proof, rounds: proof.rounds.slice(1) }), "a round dropped").to.equal(false);
  });

  it("the arena's values and points: a bumped value, a point off ρ_a's prefix, steps swapped or dropped are rejected", () => {
    const { proof } = prove(ITEMS);
    ITEMS.forEach((it, i) =>
      it.arena.values.forEach((_, k) => {
        const items = ITEMS.map((x, j) => (j === i ? { ...x, arena: { point: x.arena.point, values: x.arena.values.map((v, m) => (m === k ? Fr.add(v, 1n) : v)) } } : x));
        expect(resolves(items, proof), `step ${i} arena value ${k}`).to.equal(false);
      }),
    );
    const moved = ITEMS.map((x, j) => (j === 2 ? { ...x, arena: { point: randomFrs(x.arena.point.length, "elsewhere"), values: x.arena.values } } : x));
    expect(() => verify(moved, proof)).to.throw(LayerProofError, "prefix");
    const swapped = [ITEMS[1], ITEMS[0], ...ITEMS.slice(2)];
    expect(resolves(swapped, { ...proof, evals: [proof.evals[1], proof.evals[0], ...proof.evals.slice(2)] }), "steps swapped").to.equal(false);
    expect(() => verify(ITEMS.slice(1), { ...proof, evals: proof.evals.slice(1) })).to.throw(LayerProofError);
  });

  it("the prover refuses a false arena value (a limb's claim off its table's MLE)", () => {
    const bad = ITEMS.map((x, j) => (j === 3 ? { ...x, arena: { point: x.arena.point, values: x.arena.values.map((v, m) => (m === 0 ? Fr.add(v, 1n) : v)) } } : x));
    expect(() => prove(bad)).to.throw(LayerProofError, "false");
    // The dishonest prover's proof of it is rejected.
    expect(resolves(bad, prove(bad, true).proof)).to.equal(false);
  });
});
