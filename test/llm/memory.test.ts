/**
 * The prover's memory cuts for long generations (docs/gguf.md, "Prover memory") change no bytes: the development
 * SRS made in chunks of the native fixed-base multiplication equals one call (and its cache digest, hashed in
 * pieces, the one-shot digest), the batch opening's pair sum-check over short (zero-extended) pairs makes the
 * proof of the lifted tables, round for round, A and H packed are slotTable's words, the arena with H packed is
 * the arena, and the batch opening of packed tables is the opening of their bigints.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import * as Fr from "../../src/field/fr";
import { proveArena, type ArenaTable } from "../../src/lookup";
import { proveArenaPacked } from "../../src/lookup/arena-prover";
import { loadNative } from "../../src/msm";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { packedSlotTable, tableBigints, tableLength } from "../../src/pcs/packed-table";
import { fixedBasePowers, insecureDevSrs, sha256InPieces } from "../../src/pcs/srs";
import { evaluateMle } from "../../src/poly/mle";
import { slotLayout, slotTable } from "../../src/poly/slots";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { provePairProductSumcheck } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { mainInstance } from "../lookup/arena-fixtures";
import { randomFrs } from "../sumcheck/helpers";

const native = loadNative();

describe("llm: prover memory cuts keep the bytes", function () {
  before(function () {
    if (!native) this.skip();
  });

  it("the SRS powers made in chunks equal one fixed-base call (chunk sizes dividing and not dividing the count)", () => {
    const tau = Fr.reduce(0x1234_5678_9abc_def0_1122_3344n);
    const scalars = native!.frPowers(tau, 37);
    const whole = native!.fixedBaseG1(scalars, 2);
    for (const chunk of [1, 5, 8, 36, 37, 64]) expect(Buffer.from(fixedBasePowers(native!, scalars, chunk)).equals(Buffer.from(whole)), `chunk ${chunk}`).to.equal(true);
  });

  it("a zero-extended pair sum-check over pairs of 2^0 … 2^6 words equals the one over the lifted 2^6-word pairs", () => {
    const n = 6;
    const sizes = [6, 4, 0, 2, 6];
    const short = sizes.map((m, k) => [native!.frFromBigints(randomFrs(2 ** m, `a${k}`), 2 ** m), native!.frFromBigints(randomFrs(2 ** m, `b${k}`), 2 ** m)] as const);
    const lift = (v: Uint8Array) => {
      const out = new Uint8Array(2 ** n * 32);
      out.set(v);
      return out;
    };
    const lifted = short.map(([a, b]) => [lift(a), lift(b)] as const);
    const ta = new Transcript("pairs");
    const a = provePairProductSumcheck({ native: native!, pairs: lifted, numVars: n, transcript: ta, threads: 2 });
    const tb = new Transcript("pairs");
    const b = provePairProductSumcheck({ native: native!, pairs: short, numVars: n, transcript: tb, threads: 2, zeroExtended: true });
    expect(b.claim).to.equal(a.claim);
    expect(b.proof.rounds).to.deep.equal(a.proof.rounds);
    expect(b.point).to.deep.equal(a.point);
    expect(tb.challengeScalar("next")).to.equal(ta.challengeScalar("next"));
    // Without the flag a short pair is refused; with it, a pair longer than 2^n or of two lengths is.
    expect(() => provePairProductSumcheck({ native: native!, pairs: short, numVars: n, transcript: new Transcript("x"), threads: 1 })).to.throw(RangeError, "pair 1 is not 2^6 words");
    const uneven = [[short[0][0], short[1][1]] as const];
    expect(() => provePairProductSumcheck({ native: native!, pairs: uneven, numVars: n, transcript: new Transcript("x"), threads: 1, zeroExtended: true })).to.throw(RangeError, "same power-of-two length");
    expect(() => provePairProductSumcheck({ native: native!, pairs: lifted, numVars: n - 1, transcript: new Transcript("x"), threads: 1, zeroExtended: true })).to.throw(RangeError, "pair 0");
  });

  it("the SRS cache digest hashed in pieces equals the one-shot SHA-256 (Hash.update refuses 2^31 bytes: a 2^25-point SRS)", () => {
    // One piece (2^26 bytes) and 33 more, not all equal.
    const bytes = Buffer.alloc((1 << 26) + 33, "deepprove-srs-cache");
    expect(sha256InPieces(bytes).equals(createHash("sha256").update(bytes).digest())).to.equal(true);
  });

  it("a packed slotted table is slotTable's words; tableBigints reads them back", () => {
    const layout = slotLayout([
      { name: "a", numVars: 3 },
      { name: "b", numVars: 1 },
      { name: "c", numVars: 0 },
    ]);
    const values = new Map([
      ["a", randomFrs(8, "pa")],
      ["b", [Fr.MODULUS - 1n, 5n]],
      ["c", [0n]],
    ]);
    const packed = packedSlotTable(native!, layout, (n) => values.get(n)!);
    const bigints = slotTable(layout, (n) => values.get(n)!);
    expect(tableLength(packed)).to.equal(bigints.length);
    expect(tableBigints(packed)).to.deep.equal(bigints);
    expect(Buffer.from(packed).equals(Buffer.from(native!.frFromBigints(bigints, bigints.length)))).to.equal(true);
    expect(() => packedSlotTable(native!, layout, (n) => (n === "b" ? [1n] : values.get(n)!))).to.throw(/slot "b": 1 values, expected 2\^1/);
  });

  it("the arena with H packed makes the same proof, claims and M, and H's words", () => {
    const { tables, columns } = mainInstance();
    const srs = insecureDevSrs(1 << 17);
    const a = proveArena({ srs, tables, columns, transcript: new Transcript("arena") });
    const tb = new Transcript("arena");
    const b = proveArenaPacked({ srs, tables, columns, transcript: tb });
    expect(b.polys!.H).to.be.instanceOf(Uint8Array);
    expect(tableBigints(b.polys!.H)).to.deep.equal(a.polys!.H);
    expect(b.polys!.M).to.deep.equal(a.polys!.M);
    expect(b.proof!.helpers.equals(a.proof!.helpers)).to.equal(true);
    expect(b.proof!.sumcheck.rounds).to.deep.equal(a.proof!.sumcheck.rounds);
    expect(b.proof!.columnEvals).to.deep.equal(a.proof!.columnEvals);
    expect(b.claims.openings).to.deep.equal(a.claims.openings);
  });

  it("the arena refuses a witness entry outside its table by name, H packed or not", () => {
    const table: ArenaTable = { id: "r", table: { numVars: 2, columns: [{ kind: "range", lo: 0n }] } };
    const bad = [{ table: "r", numVars: 1, components: [[0n, 9n]] }];
    const srs = insecureDevSrs(1 << 4);
    expect(() => proveArenaPacked({ srs, tables: [table], columns: bad, transcript: new Transcript("x") })).to.throw(/not a row of table "r"/);
  });

  it("the batch opening of packed tables (exact and shorter than their claims) is the opening of their bigints", () => {
    const srs = insecureDevSrs(1 << 7);
    const tables = [randomFrs(2 ** 6, "q0"), randomFrs(2 ** 4, "q1"), randomFrs(2 ** 7, "q2")];
    const commitments = tables.map((t) => HyperKZG.commit(srs, t));
    const claim = (poly: number, point: bigint[]) => ({ poly, point, value: evaluateMle(tables[poly], point) });
    const claims = [claim(0, randomFrs(6, "p0")), claim(1, [...randomFrs(4, "p1"), 0n, 0n]), claim(2, randomFrs(7, "p2"))];
    const a = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("o"), kernels: "native" });
    const packed = [tables[0], native!.frFromBigints(tables[1], tables[1].length), native!.frFromBigints(tables[2], tables[2].length)];
    for (const kernels of ["native", "portable"] as const) {
      const b = proveSlottedBatchOpening({ srs, tables: packed, commitments, claims, transcript: new Transcript("o"), kernels });
      expect(b.sumcheck?.rounds, kernels).to.deep.equal(a.sumcheck?.rounds);
      expect(b.opening.evals, kernels).to.deep.equal(a.opening.evals);
      expect(b.opening.w.equals(a.opening.w) && b.opening.wPrime.equals(a.opening.wPrime), kernels).to.equal(true);
    }
  });

  it("a caller that passes onTablesRead has its packed tables released once G is formed, and the proof is the same", () => {
    const n = 15; // 1 MiB packed: the release threshold (RELEASE_MIN_BYTES)
    const srs = insecureDevSrs(1 << n);
    const values = [randomFrs(2 ** n, "r0"), randomFrs(2 ** 4, "r1")];
    const commitments = values.map((t) => HyperKZG.commit(srs, t));
    const claims = [0, 1].map((poly) => {
      const point = randomFrs(Math.log2(values[poly].length), `rp${poly}`);
      return { poly, point, value: evaluateMle(values[poly], point) };
    });
    const pack = () => values.map((t) => native!.frFromBigints(t, t.length));
    const kept = proveSlottedBatchOpening({ srs, tables: pack(), commitments, claims, transcript: new Transcript("r"), kernels: "native" });
    const given = pack();
    let calls = 0;
    const released = proveSlottedBatchOpening({ srs, tables: given, commitments, claims, transcript: new Transcript("r"), kernels: "native", onTablesRead: () => calls++ });
    expect(calls).to.equal(1);
    expect(released.opening.evals).to.deep.equal(kept.opening.evals);
    expect(released.opening.w.equals(kept.opening.w) && released.opening.wPrime.equals(kept.opening.wPrime)).to.equal(true);
    expect(given[0].length, "the 2^15-word table is released").to.equal(0);
    expect(given[1].length, "a table under the threshold is left to the garbage collector").to.equal(2 ** 4 * 32);
  });
});
