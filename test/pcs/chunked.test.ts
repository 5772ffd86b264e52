/**
 * Chunked commitments (src/pcs/chunked.ts): chunking a table and its commitments, moving slot claims onto
 * chunks, and the batch opening over chunks — completeness (slots in several chunks, claims at both sides of a
 * chunk boundary, packed and bigint tables) and soundness (every chunk commitment tampered, chunks swapped, a
 * claim off its chunk).
 */
import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import { loadNative } from "../../src/msm";
import { assertValidBatchOpening, BatchOpeningError, type OpeningClaim } from "../../src/pcs/batch";
import { absorbChunked, checkChunkBits, chunkClaims, chunkCount, commitChunked, tableChunks } from "../../src/pcs/chunked";
import { HyperKZG, verifierKey } from "../../src/pcs/hyperkzg";
import { evaluateMle } from "../../src/poly/mle";
import { liftToSlot, slotLayout, slotTable } from "../../src/poly/slots";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { Transcript } from "../../src/transcript";
import { graphSrs } from "../prover/graph-helpers";
import { randomFrs } from "../prover/helpers";

/** Chunk width of these tests: 2^4-entry chunks. */
const C = 4;

/**
 * A slotted table of 2^7 entries whose slots (2^4, 2^4, 2^3, 2^3, 2^3, 2^2, 2^2 …) fill several chunks, the
 * smallest ones at the ends of chunks; W, an unchunked polynomial beside it.
 */
function fixture() {
  const sizes: Record<string, number> = { a: 4, b: 4, c: 3, d: 3, e: 3, f: 2, g: 2, h: 2, i: 2, j: 2, k: 1, l: 1 };
  const layout = slotLayout(Object.entries(sizes).map(([name, numVars]) => ({ name, numVars })));
  const values = new Map(Object.entries(sizes).map(([name, n]) => [name, randomFrs(2 ** n, `chunk-${name}`)]));
  const table = slotTable(layout, (name) => values.get(name)!);
  const w = randomFrs(2 ** 3, "chunk-w");
  return { layout, values, table, w };
}

/** A claim on slot `name` of the slotted polynomial (index `poly`) at a random point. */
function slotClaim(f: ReturnType<typeof fixture>, poly: number, name: string, seed: string): OpeningClaim {
  const low = randomFrs(f.layout.slots.find((s) => s.name === name)!.numVars, seed);
  const point = liftToSlot(f.layout, name, low);
  return { poly, point, value: evaluateMle(f.table, point) };
}

describe("chunked commitments", function () {
  this.timeout(120_000);

  it("counts, splits and commits chunks; one chunk is the plain commitment", () => {
    const srs = graphSrs();
    const { table } = fixture();
    expect(chunkCount(7, null)).to.equal(1);
    expect(chunkCount(7, 7)).to.equal(1);
    expect(chunkCount(7, 4)).to.equal(8);
    const chunks = tableChunks(table, C);
    expect(chunks.length).to.equal(8);
    chunks.forEach((chunk, k) => expect([...chunk]).to.deep.equal(table.slice(k * 16, (k + 1) * 16)));
    const commitments = commitChunked(srs, table, C);
    commitments.forEach((c, k) => expect(c.equals(HyperKZG.commit(srs, table.slice(k * 16, (k + 1) * 16)))).to.equal(true));
    expect(commitChunked(srs, table, null)).to.have.length(1);
    expect(commitChunked(srs, table, null)[0].equals(HyperKZG.commit(srs, table))).to.equal(true);
    // One commitment absorbs exactly as absorbPoint did (unchunked proofs are byte-identical).
    const a = new Transcript("t");
    a.absorbPoint("x", commitments[0]);
    const b = new Transcript("t");
    absorbChunked(b, "x", [commitments[0]]);
    expect(a.challengeScalar("c")).to.equal(b.challengeScalar("c"));
    expect(() => checkChunkBits(0)).to.throw(RangeError, /chunk bits/);
    expect(() => checkChunkBits(2.5)).to.throw(RangeError);
    expect(checkChunkBits(null)).to.equal(null);
  });

  it("packed tables are split into views of the same buffer, committed alike", function () {
    const native = loadNative();
    if (!native) return this.skip();
    const srs = graphSrs();
    const { table } = fixture();
    const packed = native.frFromBigints(table, table.length);
    const views = tableChunks(packed, C) as Uint8Array[];
    expect(views.every((v) => v.buffer === packed.buffer)).to.equal(true);
    const a = commitChunked(srs, packed, C);
    const b = commitChunked(srs, table, C);
    expect(a.every((c, k) => c.equals(b[k]))).to.equal(true);
  });

  it("moves slot claims onto their chunk, values unchanged; refuses a claim across chunks", () => {
    const f = fixture();
    const polys = [{ numVars: 3, chunkBits: null }, { numVars: 7, chunkBits: C }];
    const chunks = tableChunks(f.table, C) as bigint[][];
    for (const name of f.layout.slots.map((s) => s.name)) {
      const [moved] = chunkClaims([slotClaim(f, 1, name, `m-${name}`)], polys);
      const slot = f.layout.slots.find((s) => s.name === name)!;
      expect(moved.poly).to.equal(1 + Math.floor(slot.offset / 16));
      expect(moved.point).to.have.length(C);
      expect(evaluateMle(chunks[moved.poly - 1], moved.point)).to.equal(moved.value);
    }
    const wClaim = { poly: 0, point: randomFrs(3, "mw"), value: 5n };
    expect(chunkClaims([wClaim], polys)[0]).to.deep.equal(wClaim);
    const across = { poly: 1, point: [...randomFrs(5, "across"), 0n, 1n], value: 0n };
    expect(() => chunkClaims([across], polys)).to.throw(RangeError, /not inside one 2\^4-entry chunk \(coordinate 4/);
    expect(() => chunkClaims([{ poly: 2, point: [], value: 0n }], polys)).to.throw(RangeError, /polynomial 2/);
  });

  describe("the batch opening over chunks", () => {
    /**
     * W and the chunked table's chunks, with claims on W and on slots in chunks 0, 1, 3, 5, 6 and 7 (both sides
     * of boundaries); `packed`: the chunks as views of one packed buffer, given up to the opening (released once).
     */
    function opening(kernels: "native" | "portable", packed = false) {
      const srs = graphSrs();
      const f = fixture();
      const polys = [{ numVars: 3, chunkBits: null }, { numVars: 7, chunkBits: C }];
      const names = ["a", "b", "c", "e", "f", "j", "k", "l"];
      const whole: OpeningClaim[] = [{ poly: 0, point: randomFrs(3, "ow"), value: 0n }, ...names.map((n) => slotClaim(f, 1, n, `o-${n}`)), slotClaim(f, 1, "a", "o-a2")];
      whole[0] = { ...whole[0], value: evaluateMle(f.w, whole[0].point) };
      const claims = chunkClaims(whole, polys);
      expect(new Set(claims.map((c) => c.poly)).size).to.be.greaterThan(4);
      const source = packed ? loadNative()!.frFromBigints(f.table, f.table.length) : f.table;
      const tables = [f.w, ...tableChunks(source, C)];
      const commitments = [HyperKZG.commit(srs, f.w), ...commitChunked(srs, f.table, C)];
      const onTablesRead = packed ? () => (tables.length = 0) : undefined;
      const proof = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("chunked"), kernels, onTablesRead });
      return { vk: verifierKey(srs), commitments, claims, proof };
    }
    const verify = (o: ReturnType<typeof opening>, commitments = o.commitments, claims = o.claims) =>
      assertValidBatchOpening({ vk: o.vk, commitments, claims, proof: o.proof, transcript: new Transcript("chunked") });

    it("completes with portable and native kernels, over c variables", function () {
      const o = opening("portable");
      verify(o);
      expect(o.proof.opening.folds).to.have.length(C - 1);
      if (loadNative()) {
        verify(opening("native"));
        verify(opening("native", true));
      }
    });

    it("rejects every tampered chunk commitment and two swapped chunks", () => {
      const o = opening("portable");
      for (let k = 0; k < o.commitments.length; k++) {
        const bad = o.commitments.map((c, j) => (j === k ? c.add(G1.BASE) : c));
        expect(() => verify(o, bad), `commitment ${k}`).to.throw(BatchOpeningError);
      }
      const swapped = [...o.commitments];
      [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
      expect(() => verify(o, swapped)).to.throw(BatchOpeningError);
    });

    it("rejects a claim moved to another chunk", () => {
      const o = opening("portable");
      const i = o.claims.findIndex((c) => c.poly === 2);
      const moved = o.claims.map((c, j) => (j === i ? { ...c, poly: 3 } : c));
      expect(() => verify(o, o.commitments, moved)).to.throw(BatchOpeningError);
    });
  });
});
