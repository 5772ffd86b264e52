/**
 * The requant IOP of the arena design, session 7's zero-check form (src/prover/layers/requant.ts): a LIST of claims
 * on y becomes openings of u's limbs (y = lo + u), the arena's limb values at ρ_a the claims of ONE zero-check at
 * ρ_a (rounds of two words: ./requant-zerocheck.ts), which hands on one claim on acc and ONE claim per group slot.
 * Completeness over several shifts, saturation, s = 0, negative multipliers and single elements; every handed-on
 * value checked against the true tables; soundness of the IOP itself (false claims, every tampered message,
 * dishonest saturation flags). Clamp bounds narrower than [qmin, qmax] (a fused ReLU / Clip) and narrow limbs
 * (L = 6). Membership of the limbs in RANGE is the arena's job and is tested end to end (test/prover/graph*.test.ts).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import { flatEvals, groupOf, proveRequant, requantGroupCount, requantGroupShapes, requantGroupTables, requantGroupVars, requantLimbCount, requantRangeColumns, requantRangeWidths, requantTables, splitRangeClaims, unflatten, verifyRequant, type ArenaLimbs, type RequantProof, type RequantTables } from "../../src/prover/layers/requant";
import { reducedFixedPoint, requantGeometry, requantWitness, type RequantSpec, type RequantWitness } from "../../src/prover/layers/requant-spec";
import { evaluateTensor, layoutOf, LayoutError, type IntTensor } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { randomFrs, randomInts } from "./helpers";

/** Whether every RANGE column entry is below its table's size 2^width (what the arena checks). */
function inRange(geo: ReturnType<typeof requantGeometry>, cols: readonly (readonly bigint[])[]): boolean {
  const widths = requantRangeWidths(geo);
  return cols.length === widths.length && cols.every((c, i) => c.every((v) => v < 2n ** BigInt(widths[i])));
}

const BITS = 12;

function claimOn(shape: readonly number[], values: ArrayLike<number>, seed: string): Claim {
  const layout = layoutOf(shape);
  const point = randomFrs(layout.numVars, seed);
  return { point, value: evaluateTensor(layout, values, point) };
}

/** The committed limbs' values (rem…, e…, u…, ū…) at a random arena point ρ_a: what the arena hands the step. */
function arenaValues(tables: RequantTables, numVars: number, seed = "rho-a"): ArenaLimbs {
  const point = randomFrs(numVars, seed);
  return { point, values: [...tables.rem, ...tables.e, ...tables.u, ...tables.uc].map((t) => evaluateMle(t, point)) };
}

const varsOf = (spec: RequantSpec) => layoutOf(spec.shape).numVars;

function setup(spec: RequantSpec, acc: IntTensor, claimCount = 2) {
  const w = requantWitness(spec, acc);
  const tables = requantTables(spec, w);
  const y = w.y.map(Number);
  const claims = Array.from({ length: claimCount }, (_, k) => claimOn(spec.shape, y, `claim-${k}`));
  const arena = arenaValues(tables, varsOf(spec));
  const proved = proveRequant({ spec, acc, tables, claims, arena, transcript: new Transcript("requant-test") });
  return { w, tables, claims, arena, proved };
}

/**
 * Verifies and checks every handed-on value against the true acc and advice tables, every group opening against
 * the group slot's table (`arena`: the true limb values at the test's ρ_a unless given).
 */
function resolves(spec: RequantSpec, acc: IntTensor, claims: readonly Claim[], proof: RequantProof, tables: RequantTables, arena = arenaValues(tables, varsOf(spec))): boolean {
  let v;
  try {
    v = verifyRequant({ spec, claims, arena, proof, transcript: new Transcript("requant-test") });
  } catch (e) {
    if (e instanceof LayerProofError) return false;
    throw e;
  }
  const at = (t: readonly bigint[]) => evaluateMle(t, v.point);
  const geo = requantGeometry(spec);
  const same = (ts: readonly (readonly bigint[])[], vs: readonly bigint[]) => ts.length === vs.length && ts.every((t, i) => at(t) === vs[i]);
  return (
    evaluateTensor(layoutOf(acc.shape), acc.data, v.acc.point) === v.acc.value &&
    same([tables.p, tables.q], [v.evals.p, v.evals.q]) &&
    same(tables.rem, v.evals.rem) &&
    same(tables.e, v.evals.e) &&
    same(tables.u, v.evals.u) &&
    same(tables.uc, v.evals.uc) &&
    v.openings.length === requantGroupVars(geo).length + claims.length * geo.uLimbs &&
    v.openings.every((o) => evaluateMle(requantGroupTables(geo, tables)[o.group], o.claim.point) === o.claim.value) &&
    geo.uLimbs > 0
  );
}

/** Proves a (possibly dishonest) witness's y; the claims are on that y, the last at a random point. */
function proveWitness(spec: RequantSpec, acc: IntTensor, w: RequantWitness) {
  const tables = requantTables(spec, w);
  const claims = [claimOn(spec.shape, w.y.map(Number), "w0"), claimOn(spec.shape, w.y.map(Number), "w1")];
  return () => proveRequant({ spec, acc, tables, claims, arena: arenaValues(tables, varsOf(spec)), transcript: new Transcript("requant-test") });
}

describe("prover: requant IOP (arena form)", () => {
  const shape = [3, 5];
  const acc: IntTensor = { shape, data: randomInts(15, "acc", 2 ** 28) };
  const spec = (multiplier: bigint, shift: number, s: readonly number[] = shape): RequantSpec => ({ shape: s, multiplier, shift, bits: BITS, accBound: 2n ** 28n });

  it("completeness: s = 40, 8, 16, 45, 0, a negative multiplier, saturation, one element, one and three claims", () => {
    const cases: [RequantSpec, IntTensor, number][] = [
      [spec(1_400_000_000n, 40), acc, 2],
      [spec(3n, 8), acc, 1],
      [spec(70_000n, 16), acc, 3],
      [spec(2_000_000_000n, 45), acc, 2],
      [spec(1n, 0, [2, 2]), { shape: [2, 2], data: [5, -7, 2047, -2048] }, 2],
      [spec(-1_400_000_000n, 40), acc, 2],
      [spec(1_400_000_000n, 20), acc, 2],
      [spec(1_400_000_000n, 40, []), { shape: [], data: [123456789] }, 2],
    ];
    for (const [s, a, k] of cases) {
      const { tables, claims, proved } = setup(s, a, k);
      expect(resolves(s, a, claims, proved.proof, tables), `s = ${s.shift}, M = ${s.multiplier}`).to.equal(true);
      expect(proved.proof.rounds.length).to.equal(layoutOf(s.shape).numVars);
      expect(proved.proof.rounds.every((r) => r.length === 2), "two words a round").to.equal(true);
    }
  });

  it("range columns: rem limbs (the top one on [0, 2^τ)), e limbs, u, then ū by its mode; a derived ū is checked", () => {
    const cases: [bigint, bigint, number, string, number[]][] = [
      // [−2048, 2047] at L = 12: u alone on [0, 2^12) proves both bounds (no ū); s = 45: rem 12 + 12 + 12 + 9 bits,
      // e < 2^14: two limbs.
      [-2048n, 2047n, 12, "none", [12, 12, 12, 9, 12, 12, 12]],
      // A Clip's [−5, 9]: u and the derived (hi − lo) − u, both on [0, 2^L).
      [-5n, 9n, 12, "derived", [12, 12, 12, 9, 12, 12, 12, 12]],
      // [0, 2047] at L = 6: rem 7 × 6 + 3 bits, e three limbs, u two, ū two committed ones.
      [0n, 2047n, 6, "committed", [6, 6, 6, 6, 6, 6, 6, 3, 6, 6, 6, 6, 6, 6, 6]],
    ];
    for (const [lo, hi, L, mode, widths] of cases) {
      const s: RequantSpec = { ...spec(2_000_000_000n, 45), lo, hi, limbBits: L };
      const geo = requantGeometry(s);
      const { tables } = setup(s, acc, 1);
      const cols = requantRangeColumns(geo, tables);
      expect([geo.ucMode, requantRangeWidths(geo)], `[${lo}, ${hi}], L = ${L}`).to.deep.equal([mode, widths]);
      expect(inRange(geo, cols)).to.equal(true);
      expect(tables.uc.length).to.equal(mode === "committed" ? geo.uLimbs : 0);
      const values = cols.map((c) => evaluateMle(c, randomFrs(geo.layout.numVars, "rho")));
      const split = splitRangeClaims(geo, values);
      expect(split.rem).to.deep.equal(values.slice(0, geo.remLimbs));
      expect(split.uc.length).to.equal(geo.ucLimbs);
      if (mode !== "derived") continue;
      const uAt = geo.remLimbs + geo.eLimbs;
      expect(values[uAt + 1]).to.equal(Fr.sub(Fr.fromSigned(hi - lo), values[uAt]));
      const badUc = [...values];
      badUc[uAt + 1] = Fr.add(badUc[uAt + 1], 1n);
      expect(() => splitRangeClaims(geo, badUc)).to.throw(LayerProofError, "derived column");
    }
    expect(() => splitRangeClaims(requantGeometry(spec(3n, 8)), [1n])).to.throw(LayerProofError, "range claims");
  });

  it("refuses a false claim (prover and verifier), an acc beyond the bound, and specs that could wrap", () => {
    const s = spec(1_400_000_000n, 40);
    const { tables, claims, arena, proved } = setup(s, acc, 2);
    const wrong = [claims[0], { ...claims[1], value: Fr.add(claims[1].value, 1n) }];
    expect(() => proveRequant({ spec: s, acc, tables, claims: wrong, arena, transcript: new Transcript("requant-test") })).to.throw(LayerProofError, "false");
    expect(resolves(s, acc, wrong, proved.proof, tables)).to.equal(false);
    const moved = [claims[0], { ...claims[1], point: [...claims[1].point].reverse() }];
    expect(resolves(s, acc, moved, proved.proof, tables)).to.equal(false);
    expect(() => requantWitness({ ...s, accBound: 10n }, acc)).to.throw(LayoutError, "exceeds the bound");
    expect(() => requantGeometry({ ...s, accBound: 2n ** 230n })).to.throw(LayoutError, "wrap");
    // No claims on y at all is a valid statement (the arena's claims alone): a proof with zero u openings.
    const none = proveRequant({ spec: s, acc, tables, claims: [], arena, transcript: new Transcript("requant-test") });
    expect(resolves(s, acc, [], none.proof, tables, arena)).to.equal(true);
  });

  it("a wrong y compensated in rem passes this IOP only with rem outside its limbs' range (caught by the arena)", () => {
    // M small enough that nothing saturates (|t| < 800): the element changed is unclamped.
    const s = spec(3_000_000n, 40);
    const w = requantWitness(s, acc);
    const k = w.y.findIndex((y, i) => y > -2048n && w.p[i] === 0n && w.q[i] === 0n);
    expect(k).to.be.at.least(0);
    const bad = { ...w, y: w.y.map((y, i) => (i === k ? y - 1n : y)), u: w.u.map((u, i) => (i === k ? u - 1n : u)), rem: w.rem.map((r, i) => (i === k ? r + 2n ** 40n : r)) };
    const tables = requantTables(s, bad);
    const claims = [claimOn(shape, bad.y.map(Number), "bad")];
    const proved = proveRequant({ spec: s, acc, tables, claims, arena: arenaValues(tables, varsOf(s)), transcript: new Transcript("requant-test") });
    expect(resolves(s, acc, claims, proved.proof, tables)).to.equal(true);
    // rem's top limb (4 bits at s = 40) holds the extra 2^40: outside its table [0, 2^4).
    expect(inRange(requantGeometry(s), requantRangeColumns(requantGeometry(s), tables))).to.equal(false);
  });

  it("every tampered message is rejected", () => {
    const s = spec(2_000_000_000n, 45);
    const { tables, claims, proved } = setup(s, acc, 2);
    const p = proved.proof;
    const bump = (x: bigint) => Fr.add(x, 1n);
    const variants: RequantProof[] = [];
    p.rounds.forEach((round, j) =>
      round.forEach((_, i) => variants.push({ ...p, rounds: p.rounds.map((r, jj) => (jj === j ? (r.map((c, ii) => (ii === i ? bump(c) : c)) as unknown as typeof r) : r)) })),
    );
    const geo = requantGeometry(s);
    const flat = flatEvals(p.evals);
    flat.forEach((_, i) => variants.push({ ...p, evals: unflatten(geo, flat.map((v, ii) => (ii === i ? bump(v) : v))) }));
    variants.push({ ...p, evals: { ...p.evals, e: p.evals.e.slice(1) } });
    variants.push({ ...p, evals: { ...p.evals, u: [] } });
    variants.push({ ...p, rounds: p.rounds.slice(1) });
    for (const v of variants) expect(resolves(s, acc, claims, v, tables)).to.equal(false);
    expect(variants.length).to.be.greaterThan(15);
    // A claim on y moved or changed: its u opening is false against A.
    expect(resolves(s, acc, [claims[0], { ...claims[1], value: bump(claims[1].value) }], p, tables)).to.equal(false);
  });

  it("the arena's limb values are claims of the sum-check: each one bumped is rejected, a wrong count refused", () => {
    for (const [lo, hi, L] of [[-2048n, 2047n, 12], [0n, 2047n, 6], [-5n, 9n, 12]] as const) {
      const s: RequantSpec = { ...spec(2_000_000_000n, 45), lo, hi, limbBits: L };
      const geo = requantGeometry(s);
      const { tables, claims, arena, proved } = setup(s, acc, 2);
      expect(arena.values.length).to.equal(requantLimbCount(geo));
      expect(resolves(s, acc, claims, proved.proof, tables, arena)).to.equal(true);
      arena.values.forEach((_, i) => {
        const bad = { point: arena.point, values: arena.values.map((v, k) => (k === i ? Fr.add(v, 1n) : v)) };
        expect(resolves(s, acc, claims, proved.proof, tables, bad), `limb ${i}, [${lo}, ${hi}]`).to.equal(false);
      });
      // The same values at another point: the zero-check's eq weight moves, the proof fails.
      expect(resolves(s, acc, claims, proved.proof, tables, { point: [...arena.point].reverse(), values: arena.values })).to.equal(false);
      expect(() => verifyRequant({ spec: s, claims, arena: { point: arena.point, values: arena.values.slice(1) }, proof: proved.proof, transcript: new Transcript("t") })).to.throw(LayerProofError, "arena limb values");
      // The prover refuses false limb values like any false claim.
      const bad = { point: arena.point, values: arena.values.map((v, k) => (k === 0 ? Fr.add(v, 1n) : v)) };
      expect(() => proveRequant({ spec: s, acc, tables, claims, arena: bad, transcript: new Transcript("t") })).to.throw(LayerProofError, "false");
    }
  });

  it("the group slots: k's binary decomposition, 2^(m_g) tables each at sub-offsets j·2^n, one claim each at (ρ′ ‖ r_col[0 … m_g))", () => {
    const seen = new Set<string>();
    for (const [lo, hi, L, sh] of [[-2048n, 2047n, 12, 40], [0n, 2047n, 6, 45], [-5n, 9n, 12, 0], [-2048n, 2047n, 12, 0], [0n, 2047n, 12, 16]] as const) {
      const s: RequantSpec = { ...spec(sh === 0 ? 1n : 1_400_000_000n, sh), lo, hi, limbBits: L };
      const geo = requantGeometry(s);
      const { tables, proved } = setup(s, acc, 2);
      const k = requantGroupCount(geo);
      const ms = requantGroupVars(geo);
      const n = geo.layout.numVars;
      seen.add(ms.join(","));
      expect(k).to.equal(2 + geo.remLimbs + geo.eLimbs + geo.uLimbs + geo.ucLimbs);
      expect(ms.reduce((a, m) => a + 2 ** m, 0), `k = ${k}`).to.equal(k);
      ms.forEach((m, g) => g > 0 && expect(m).to.be.lessThan(ms[g - 1]));
      expect(requantGroupShapes(geo).map((sh) => layoutOf(sh).numVars)).to.deep.equal(ms.map((m) => n + m));
      const groups = requantGroupTables(geo, tables);
      const parts = [tables.p, tables.q, ...tables.rem, ...tables.e, ...tables.u, ...tables.uc];
      let at = 0;
      groups.forEach((t, g) => {
        expect(t.length).to.equal(2 ** (n + ms[g]));
        for (let j = 0; j < 2 ** ms[g]; j++, at++) expect(t.slice(j << n, (j + 1) << n)).to.deep.equal(parts[at]);
        const c = proved.claims.openings[g].claim;
        expect(proved.claims.openings[g].group).to.equal(g);
        expect(c.point.slice(0, n)).to.deep.equal(proved.claims.point);
        expect(c.point.slice(n)).to.deep.equal(proved.claims.openings[0].claim.point.slice(n, n + ms[g]));
        expect(evaluateMle(t, c.point)).to.equal(c.value);
      });
      // Then per claim on y and per u limb: u_j's group at (r_k ‖ the bits of its index), value u_j(r_k).
      const uOpen = proved.claims.openings.slice(ms.length);
      expect(uOpen.length).to.equal(2 * geo.uLimbs);
      uOpen.forEach((o, i) => {
        const j = i % geo.uLimbs;
        const where = groupOf(geo, 2 + geo.remLimbs + geo.eLimbs + j);
        expect(o.group).to.equal(where.group);
        expect(o.claim.point.slice(n).map(Number)).to.deep.equal(Array.from({ length: where.vars }, (_, b) => (where.index >> b) & 1));
        expect(o.claim.value).to.equal(evaluateMle(tables.u[j], o.claim.point.slice(0, n)));
      });
    }
    expect(seen.size, "several decompositions").to.be.greaterThan(2);
  });

  it("clamp bounds [0, qmax] (a fused ReLU) and [−5, 9] (a Clip), limbs of 6 bits: complete, y = clamp(t, lo, hi)", () => {
    for (const [lo, hi, L] of [[0n, 2047n, 6], [-5n, 9n, 6], [-2048n, 2047n, 7]] as const) {
      const s: RequantSpec = { ...spec(1_400_000_000n, 40), lo, hi, limbBits: L };
      const geo = requantGeometry(s);
      const { w, tables, claims, proved } = setup(s, acc, 2);
      expect(w.y.every((y) => y >= lo && y <= hi)).to.equal(true);
      expect(w.y.some((y) => y === lo) && w.y.some((y) => y === hi), "both bounds are hit").to.equal(true);
      expect(resolves(s, acc, claims, proved.proof, tables)).to.equal(true);
      const cols = requantRangeColumns(geo, tables);
      expect(inRange(geo, cols)).to.equal(true);
      // y = lo + U and (committed ū) y = hi − Ū on the whole cube, so at any point.
      const rho = randomFrs(geo.layout.numVars, "rho");
      const split = splitRangeClaims(geo, cols.map((c) => evaluateMle(c, rho)));
      const yAt = evaluateTensor(geo.layout, w.y.map(Number), rho);
      const sum = (vs: readonly bigint[]) => vs.reduce((a, v, j) => Fr.add(a, Fr.mul(v, 2n ** BigInt(L * j))), 0n);
      expect(geo.ucLimbs).to.equal(geo.uLimbs > 1 ? geo.uLimbs : 0);
      expect(Fr.add(Fr.fromSigned(lo), sum(split.u))).to.equal(yAt);
      if (geo.ucLimbs > 0) expect(Fr.sub(Fr.fromSigned(hi), sum(split.uc))).to.equal(yAt);
    }
    expect(() => requantGeometry({ ...spec(3n, 8), lo: 5n, hi: 5n })).to.throw(LayoutError, "clamp bounds");
    expect(() => requantGeometry({ ...spec(3n, 8), limbBits: 5 })).to.throw(LayoutError, "limb width");
  });

  it("reducedFixedPoint drops the multiplier's trailing zeros from the shift and keeps every requantized value", () => {
    expect(reducedFixedPoint(1n << 30n, 30)).to.deep.equal({ multiplier: 1n, shift: 0 });
    expect(reducedFixedPoint(1_082_196_484n, 37)).to.deep.equal({ multiplier: 270_549_121n, shift: 35 });
    expect(reducedFixedPoint(-(3n << 40n), 20)).to.deep.equal({ multiplier: -(3n << 20n), shift: 0 });
    expect(reducedFixedPoint(7n, 12)).to.deep.equal({ multiplier: 7n, shift: 12 });
    expect(reducedFixedPoint(0n, 9)).to.deep.equal({ multiplier: 0n, shift: 0 });
    // Exact for every acc, rounding ties included (acc·M an odd multiple of 2^(s−1)).
    const accs: IntTensor = { shape: [40], data: [...randomInts(36, "reduce", 2 ** 28), 1, -1, 3, -3] };
    const pairs: [bigint, number][] = [[1n << 30n, 30], [1_082_196_484n, 37], [-(5n << 12n), 13], [6n, 1], [12n, 2], [0n, 4]];
    for (const [m, sh] of pairs) {
      const full: RequantSpec = { shape: [40], multiplier: m, shift: sh, bits: BITS, accBound: 2n ** 28n };
      expect(requantWitness({ ...full, ...reducedFixedPoint(m, sh) }, accs).y, `M = ${m}, s = ${sh}`).to.deep.equal(requantWitness(full, accs).y);
    }
  });

  const flagCases: [number, bigint, string][] = [[6, 2047n, "committed"], [12, 2047n, "none"], [12, 2000n, "derived"]];
  for (const [L, hi, mode] of flagCases) {
    it(`dishonest flags are refused by the identity: p = 1 with y < hi, q = 1 with y > lo, p = 2 with e halved (hi = ${hi}, L = ${L}: ū ${mode})`, () => {
      const s: RequantSpec = { ...spec(1_400_000_000n, 40), lo: 0n, hi, limbBits: L };
      expect(requantGeometry(s).ucMode).to.equal(mode);
      const honest = requantWitness(s, acc);
      const up = honest.p.findIndex((v) => v === 1n);
      const down = honest.q.findIndex((v) => v === 1n);
      expect(up >= 0 && down >= 0).to.equal(true);
      const edit = (w: RequantWitness, i: number, y: bigint, p: bigint, q: bigint, e: bigint): RequantWitness => {
        const set = (xs: readonly bigint[], v: bigint) => xs.map((x, k) => (k === i ? v : x));
        return { ...w, y: set(w.y, y), p: set(w.p, p), q: set(w.q, q), e: set(w.e, e), u: set(w.u, y - 0n), uc: set(w.uc, hi - y) };
      };
      const t = (i: number) => honest.y[i] + (honest.p[i] - honest.q[i]) * honest.e[i];
      expect(proveWitness(s, acc, honest)).to.not.throw();
      // Saturated upward, but y one below hi: (p − q)·e still equals t − y, so only p·ū = 0 catches it.
      expect(proveWitness(s, acc, edit(honest, up, hi - 1n, 1n, 0n, t(up) - hi + 1n))).to.throw(LayerProofError, "false");
      // Saturated downward, but y one above lo: only q·u = 0 catches it.
      expect(proveWitness(s, acc, edit(honest, down, 1n, 0n, 1n, 1n - t(down)))).to.throw(LayerProofError, "false");
      // A non-boolean flag: p = 2 with e = (t − y) / 2 keeps the identity and p·ū = 0; p² = p catches it.
      const even = honest.p.findIndex((v, i) => v === 1n && honest.e[i] % 2n === 0n);
      expect(even >= 0).to.equal(true);
      expect(proveWitness(s, acc, edit(honest, even, hi, 2n, 0n, honest.e[even] / 2n))).to.throw(LayerProofError, "false");
    });
  }
});
