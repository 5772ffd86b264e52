/**
 * The select IOP (MaxPool / GlobalMaxPool / ReduceMax / ReduceMin) through the real lookup arena: completeness
 * on synthetic geometries and on the corpus models `1l_max_pool`, `max`, `min` (arena and node verify, every
 * handed-on claim is true: X, the advice columns y and s, M/H openings, the SELECT table's closed form);
 * soundness: every node message tampered, wrong arena claims, and dishonest witnesses (y above or below the max,
 * no tap chosen, two taps chosen, junk in the output's padding) each caught by the arena or by a false claim.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { ArenaError, arenaShape, proveArena, verifyArena, type ArenaClaims, type ArenaTable } from "../../src/lookup/arena";
import { arenaTables, clampTableDef } from "../../src/prover/graph/tables";
import { insecureDevSrs } from "../../src/pcs/srs";
import { evaluateMle } from "../../src/poly/mle";
import { LayerProofError, type Claim } from "../../src/prover/claims";
import {
  proveSelect,
  selectCost,
  selectFillEval,
  selectGeometry,
  selectWitness,
  verifySelect,
  type SelectSpec,
  type SelectWitness,
} from "../../src/prover/layers/select";
import { selectNode } from "../../src/prover/layers/select-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";
import { claimOn, randomFrs, tableHolds, tamperedCopies, tensorHolds } from "./select-helpers";

type T = { shape: readonly number[]; data: number[] };

const srs = insecureDevSrs(1 << 15);

/** Reference max/min over in-bounds taps (the executor's semantics, any rank). */
function selectRef(spec: SelectSpec, x: T): T {
  const rank = spec.x.length;
  const size = spec.out.reduce((p, d) => p * d, 1);
  const ksize = spec.kernel.reduce((p, d) => p * d, 1);
  const xs = strides(spec.x);
  const data: number[] = [];
  for (let f = 0; f < size; f++) {
    const o = unflat(f, spec.out);
    let best: number | null = null;
    for (let kf = 0; kf < ksize; kf++) {
      const k = unflat(kf, spec.kernel);
      let at = 0;
      let ok = true;
      for (let a = 0; a < rank; a++) {
        const i = o[a] * spec.strides[a] + k[a] * spec.dilations[a] - spec.padsBegin[a];
        if (i < 0 || i >= spec.x[a]) ok = false;
        at += i * xs[a];
      }
      if (!ok) continue;
      const v = x.data[at];
      if (best === null || (spec.mode === "max" ? v > best : v < best)) best = v;
    }
    data.push(best!);
  }
  return { shape: spec.out, data };
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let a = shape.length - 2; a >= 0; a--) s[a] = s[a + 1] * shape[a + 1];
  return s;
}

function unflat(f: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = f % shape[a];
    f = Math.floor(f / shape[a]);
  }
  return out;
}

/** The CLAMP_b table as requantization registers it (prover view, with values). */
function tableFor(bits: number): ArenaTable {
  return arenaTables([clampTableDef(bits)], true)[0];
}

/** Multiplicities of a (possibly dishonest) witness' in-table entries (the cheater's best effort). */
function cheatMultiplicities(table: ArenaTable, w: SelectWitness): Map<string, bigint[]> {
  const cols = table.table.columns.map((c) => (c.kind === "external" ? c.values! : []));
  const rows = new Map<string, number>();
  cols[0].forEach((v, i) => {
    const key = `${v},${cols[1][i]}`;
    if (!rows.has(key)) rows.set(key, i);
  });
  const m = new Array<bigint>(cols[0].length).fill(0n);
  w.column[0].forEach((v, i) => {
    const row = rows.get(`${v},${w.column[1][i]}`);
    if (row !== undefined) m[row]++;
  });
  return new Map([[table.id, m]]);
}

interface Run {
  claims: ReturnType<typeof verifySelect>;
  arenaClaims: ArenaClaims;
  polys: { M: readonly bigint[]; H: readonly bigint[] };
  witness: SelectWitness;
  proof: ReturnType<typeof proveSelect>["proof"];
  verify: (proof: ReturnType<typeof proveSelect>["proof"], arena?: { d?: bigint; s?: bigint }) => ReturnType<typeof verifySelect>;
}

/**
 * Arena + select step on both sides. Checks everything the node itself does not: M/H openings against the
 * committed tables and the table claims against the closed form. Returns the node's handed-on claims.
 */
function run(spec: SelectSpec, x: T, y: T, opts: { witness?: SelectWitness; yClaims?: Claim[] } = {}): Run {
  const w = opts.witness ?? selectWitness(spec, x, y);
  const geo = selectGeometry(spec);
  const table = tableFor(spec.bits);
  const column = { table: table.id, numVars: geo.tapLayout.numVars, components: [...w.column], label: "pool:select" };
  const yClaims = opts.yClaims ?? [claimOn(y.shape.length === spec.out.length ? y : { shape: spec.out, data: y.data }, "select/y")];
  const tp = new Transcript("select-test");
  const arena = proveArena({ srs, tables: [table], columns: [column], transcript: tp, unsafeMultiplicities: opts.witness ? cheatMultiplicities(table, w) : undefined });
  const colClaim = arena.claims.columns[0];
  const { proof } = proveSelect({ spec, x, claims: yClaims, arena: colClaim, y: w.y, transcript: tp });

  const verify = (p: typeof proof, tamper: { d?: bigint; s?: bigint } = {}) => {
    const tv = new Transcript("select-test");
    const ac = verifyArena({ shape: arenaShape([table], [column]), proof: arena.proof, transcript: tv });
    for (const tc of ac.tableColumns) {
      const col = table.table.columns[tc.column];
      expect(col.kind).to.equal("external");
      expect(tc.value, "table column claim").to.equal(evaluateMle(col.kind === "external" ? col.values! : [], tc.point));
    }
    const c = ac.columns[0];
    return verifySelect({ spec, claims: yClaims, arena: { point: c.point, values: [tamper.d ?? c.values[0], tamper.s ?? c.values[1]] }, proof: p, transcript: tv });
  };
  return { claims: verify(proof), arenaClaims: arena.claims, polys: arena.polys!, witness: w, proof, verify };
}

/** Every claim the select step hands on is true (X against the input, y and s against the committed advice). */
function allTrue(r: Pick<Run, "witness">, x: T, claims: ReturnType<typeof verifySelect>): boolean {
  return tensorHolds(x, claims.x) && claims.y.every((c) => tableHolds(r.witness.y, c)) && claims.s.every((c) => tableHolds(r.witness.s, c));
}

function checkComplete(spec: SelectSpec, x: T, y: T): Run {
  const r = run(spec, x, y);
  expect(allTrue(r, x, r.claims), "handed-on claims").to.equal(true);
  for (const o of r.arenaClaims.openings) {
    expect(evaluateMle(o.poly === "M" ? r.polys.M : r.polys.H, o.point as bigint[]), `arena opening on ${o.poly}`).to.equal(o.value);
  }
  return r;
}

const pool2d = (x: number[], k: number[], s: number[], p: number[], d = [1, 1]): SelectSpec => {
  const out = [0, 1].map((a) => Math.floor((x[2 + a] + 2 * p[a] - (k[a] - 1) * d[a] - 1) / s[a]) + 1);
  return { x, out: [x[0], x[1], ...out], kernel: [1, 1, ...k], strides: [1, 1, ...s], dilations: [1, 1, ...d], padsBegin: [0, 0, ...p], mode: "max", bits: 8 };
};

/** A witness with mutable y, s and D-component e (the arena's −s follows s). */
type Editable = { y: bigint[]; s: bigint[]; e: bigint[] };
const editable = (w: SelectWitness): Editable => ({ y: [...w.y], s: [...w.s], e: [...w.column[0]] });
const done = (w: Editable): SelectWitness => ({ y: w.y, s: w.s, column: [w.e, w.s.map((v) => Fr.neg(v))] });

describe("prover: select IOP (max / min by range checks)", function () {
  this.timeout(120_000);

  it("the fill pattern's evaluation matches the brute-force table", () => {
    for (const spec of [pool2d([1, 2, 5, 4], [3, 2], [2, 1], [1, 0]), pool2d([2, 1, 6, 5], [3, 3], [2, 2], [1, 1], [2, 1])]) {
      const geo = selectGeometry(spec);
      const { kernelLayout: kl, outLayout: ol } = geo;
      const P = new Array<bigint>(geo.tapLayout.paddedSize).fill(0n);
      const n = spec.out.reduce((a, b) => a * b, 1);
      for (let f = 0; f < n; f++) {
        const o = unflat(f, spec.out);
        const po = o.reduce((acc, i, a) => acc + i * 2 ** ol.axes[a].start, 0);
        for (let pk = 0; pk < kl.paddedSize; pk++) {
          const k = kl.axes.map((ax) => (pk >> ax.start) & (2 ** ax.count - 1));
          const inBounds = k.every((ka, a) => {
            const i = o[a] * spec.strides[a] + ka * spec.dilations[a] - spec.padsBegin[a];
            return ka < spec.kernel[a] && i >= 0 && i < spec.x[a];
          });
          if (!inBounds) P[po * kl.paddedSize + pk] = 1n;
        }
      }
      const pt = randomFrs(geo.tapLayout.numVars, "fill/pt");
      expect(selectFillEval(spec, pt)).to.equal(evaluateMle(P, pt));
    }
  });

  describe("completeness", () => {
    const cases: [string, SelectSpec][] = [
      ["MaxPool 2×2 stride 2", pool2d([1, 3, 4, 4], [2, 2], [2, 2], [0, 0])],
      ["MaxPool 3×3 stride 1 pad 1 (fill taps)", pool2d([2, 2, 5, 5], [3, 3], [1, 1], [1, 1])],
      ["MaxPool 3×2 strides (2, 1) dilation (1, 2)", pool2d([1, 3, 7, 6], [3, 2], [2, 1], [1, 0], [1, 2])],
      ["MaxPool 1-D k = 3", { x: [1, 2, 9], out: [1, 2, 4], kernel: [1, 1, 3], strides: [1, 1, 2], dilations: [1, 1, 1], padsBegin: [0, 0, 0], mode: "max", bits: 8 }],
      ["GlobalMaxPool", { x: [1, 3, 3, 5], out: [1, 3, 1, 1], kernel: [1, 1, 3, 5], strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1], padsBegin: [0, 0, 0, 0], mode: "max", bits: 8 }],
      ["ReduceMin over the middle axis", { x: [2, 5, 3], out: [2, 1, 3], kernel: [1, 5, 1], strides: [1, 1, 1], dilations: [1, 1, 1], padsBegin: [0, 0, 0], mode: "min", bits: 8 }],
      ["ReduceMax over all axes (scalar output)", { x: [3, 2, 3], out: [1, 1, 1], kernel: [3, 2, 3], strides: [1, 1, 1], dilations: [1, 1, 1], padsBegin: [0, 0, 0], mode: "max", bits: 8 }],
      ["ReduceMin over axes 0 and 2", { x: [3, 4, 5], out: [1, 4, 1], kernel: [3, 1, 5], strides: [1, 1, 1], dilations: [1, 1, 1], padsBegin: [0, 0, 0], mode: "min", bits: 8 }],
      ["identity (kernel 1)", { x: [2, 3], out: [2, 3], kernel: [1, 1], strides: [1, 1], dilations: [1, 1], padsBegin: [0, 0], mode: "max", bits: 8 }],
    ];
    for (const [name, spec] of cases) {
      it(name, () => {
        const x = intTensor([...spec.x], name, 127);
        checkComplete(spec, x, selectRef(spec, x));
      });
    }

    it("ties, saturated values and all-equal windows", () => {
      const spec = pool2d([1, 1, 4, 4], [2, 2], [1, 1], [1, 1]);
      const x = { shape: spec.x, data: [5, 5, -128, -128, 5, 5, -128, -128, 127, 127, 0, 0, -128, 127, 0, -1] };
      checkComplete(spec, x, selectRef(spec, x));
      const mn = { ...spec, mode: "min" as const };
      checkComplete(mn, x, selectRef(mn, x));
    });

    it("several claims on y, and none", () => {
      const spec = pool2d([1, 2, 4, 4], [2, 2], [2, 2], [0, 0]);
      const x = intTensor([...spec.x], "claims", 100);
      const y = selectRef(spec, x);
      for (const yClaims of [[], [claimOn(y, "a"), claimOn(y, "b"), claimOn(y, "c")]]) {
        const r = run(spec, x, y, { yClaims });
        expect(allTrue(r, x, r.claims)).to.equal(true);
        expect(r.claims.y).to.have.length(yClaims.length + 1);
      }
    });

    it("cost: the node's words, rounds and advice", () => {
      const spec = pool2d([1, 3, 8, 8], [2, 2], [2, 2], [0, 0]);
      const x = intTensor([...spec.x], "cost", 100);
      const r = run(spec, x, selectRef(spec, x));
      const c = selectCost(spec);
      const words = 1 + r.proof.selector.sumcheck.rounds.flat().length + 1;
      expect(c.words).to.equal(words);
      expect(c.rounds).to.equal(r.proof.selector.sumcheck.rounds.length);
      expect(c).to.include({ words: 18, rounds: 8, adviceEntries: 4 * 16 + 4 * 16 * 4, columnVars: 8 });
    });
  });

  describe("corpus", () => {
    for (const name of ["1l_max_pool", "max", "min"]) {
      it(name, function () {
        const loaded = loadCorpusTrace(name);
        if (!loaded) this.skip();
        const { model, trace, env } = loaded!;
        let proved = 0;
        for (const step of trace.steps) {
          if (step.kind !== "select") continue;
          const n = selectNode(model, step.node);
          const x = env.get(n.x)!;
          const xt = { shape: x.shape, data: Array.from(x.data) };
          const y = { shape: step.values[0].shape, data: Array.from(step.values[0].data) };
          expect(selectRef(n.spec, xt).data, `${step.node}: reference = trace`).to.deep.equal(y.data);
          checkComplete(n.spec, xt, y);
          proved++;
        }
        expect(proved).to.be.greaterThan(0);
      });
    }
  });

  describe("soundness", () => {
    const spec = pool2d([1, 2, 4, 4], [2, 2], [2, 2], [0, 0]);
    const x = intTensor([...spec.x], "sound", 100);
    const y = selectRef(spec, x);

    it("every node message tampered: rejected or a false claim handed on", () => {
      const r = run(spec, x, y);
      const copies = tamperedCopies(r.proof);
      expect(copies.length).to.equal(1 + 2 * 5 + 1);
      for (const { path, proof } of copies) {
        let caught = false;
        try {
          caught = !allTrue(r, x, r.verify(proof));
        } catch (e) {
          expect(e, path).to.be.instanceOf(LayerProofError);
          caught = true;
        }
        expect(caught, path).to.equal(true);
      }
    });

    it("wrong arena claims (D or s) hand on false claims", () => {
      const r = run(spec, x, y);
      for (const tamper of [{ d: 7n }, { s: 3n }]) {
        let caught = false;
        try {
          caught = !allTrue(r, x, r.verify(r.proof, tamper));
        } catch (e) {
          expect(e).to.be.instanceOf(LayerProofError);
          caught = true;
        }
        expect(caught).to.equal(true);
      }
    });

    /** A dishonest witness built from the honest one, then proved with the cheater's multiplicities. */
    const cheat = (edit: (w: Editable) => void): "arena" | "claim" | "accepted" => {
      const w = editable(selectWitness(spec, x, y));
      edit(w);
      try {
        const r = run(spec, x, y, { witness: done(w) });
        return allTrue(r, x, r.claims) ? "accepted" : "claim";
      } catch (e) {
        if (e instanceof ArenaError) return "arena";
        throw e;
      }
    };
    const kSize = 4;
    /** Sets y at padded output 0 to y + δ (D of its taps follow), optionally re-choosing taps. */
    const shiftY = (w: Editable, delta: bigint) => {
      w.y[0] = Fr.add(w.y[0], Fr.fromSigned(delta));
      for (let k = 0; k < kSize; k++) w.e[k] = Fr.add(w.e[k], Fr.fromSigned(delta));
    };

    it("y above the max, a tap still chosen: (1, 1) is not a table row", () => {
      expect(cheat((w) => shiftY(w, 1n))).to.equal("arena");
    });
    it("y above the max, no tap chosen: Σ s = 1 fails (false s claim)", () => {
      expect(
        cheat((w) => {
          shiftY(w, 1n);
          for (let k = 0; k < kSize; k++) w.s[k] = 0n;
        }),
      ).to.equal("claim");
    });
    it("y below the max: a negative D is not a table row", () => {
      expect(cheat((w) => shiftY(w, -1n))).to.equal("arena");
    });
    it("two taps chosen: Σ s = 1 fails", () => {
      const xs = { shape: spec.x, data: [...x.data] };
      xs.data[0] = xs.data[1] = 100; // taps 0 and 1 of output 0 tie at the max
      const ys = selectRef(spec, xs);
      const w = editable(selectWitness(spec, xs, ys));
      w.s[1] = 1n;
      const r = run(spec, xs, ys, { witness: done(w) });
      expect(allTrue(r, xs, r.claims)).to.equal(false);
    });
    it("junk in the output's padding is refused", () => {
      const padSpec = pool2d([1, 1, 3, 3], [1, 2], [1, 1], [0, 0]); // out [1, 1, 3, 2]: axis 2 pads 3 → 4
      const xs = intTensor([...padSpec.x], "pad", 100);
      const ys = selectRef(padSpec, xs);
      const honest = selectWitness(padSpec, xs, ys);
      const geo = selectGeometry(padSpec);
      const po = 3 * 2; // padded output (row 3, col 0): a padding position
      const ks = geo.kernelLayout.paddedSize;
      for (const chooseTap of [true, false]) {
        const w = editable(honest);
        w.y[po] = 5n;
        for (let k = 0; k < ks; k++) w.e[po * ks + k] = Fr.add(w.e[po * ks + k], 5n);
        if (!chooseTap) w.s[po * ks] = 0n;
        let outcome: string;
        try {
          const r = run(padSpec, xs, ys, { witness: done(w) });
          outcome = allTrue(r, xs, r.claims) ? "accepted" : "claim";
        } catch (e) {
          if (!(e instanceof ArenaError)) throw e;
          outcome = "arena";
        }
        expect(outcome, `choose tap: ${chooseTap}`).to.equal(chooseTap ? "arena" : "claim");
      }
    });

    it("the honest prover refuses an output that is not the max, and bad specs", () => {
      const bad = { shape: y.shape, data: [...y.data] };
      bad.data[0] -= 1;
      expect(() => selectWitness(spec, x, bad)).to.throw(LayoutError, /not the max/);
      expect(() => selectGeometry({ ...spec, bits: 17 })).to.throw(LayoutError, /bit width/);
      expect(() => selectGeometry({ ...spec, kernel: [1, 1, 2] })).to.throw(LayoutError, /kernel/);
      expect(() => selectGeometry({ ...spec, mode: "median" as "max" })).to.throw(LayoutError, /mode/);
      expect(() => run(spec, x, y, { yClaims: [{ point: [1n], value: 0n }] })).to.throw(LayerProofError, /coordinates/);
    });
  });
});
