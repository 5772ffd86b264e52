/**
 * A committed as the witness sets its columns (src/prover/graph/advice.ts): the packed table equals the slotted
 * table and the chunk commitments equal `commitChunked(srs, slotTable(…), c)` — chunked (slots inside chunks,
 * chunks with several slots, an empty chunk) and unchunked, columns set in any order, values 0, 1, r − 1, small
 * negatives and random ones, slots of one entry — with the native queue and with the portable backend; and the
 * refusals (a column outside the layout, set twice, a wrong length, a non-canonical value, a missing column).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm";
import { commitChunked } from "../../src/pcs/chunked";
import { tableBigints } from "../../src/pcs/packed-table";
import { insecureDevSrs } from "../../src/pcs/srs";
import { slotLayout, slotTable } from "../../src/poly/slots";
import { AdviceCommitter } from "../../src/prover/graph/advice";
import { randomFrs } from "../prover/helpers";

const R = Fr.MODULUS;
const native = loadNative();
const srs = insecureDevSrs(64);
// 2^5 + 2^4 + 2^3 + 2^2 + 2^0 + 2^0 = 62 entries: A has 2^6; with c = 3 the last chunk is empty.
const layout = slotLayout([
  { name: "big", numVars: 5 },
  { name: "mid", numVars: 4 },
  { name: "small", numVars: 3 },
  { name: "tiny", numVars: 2 },
  { name: "one", numVars: 0 },
  { name: "other", numVars: 0 },
]);
const edge = [0n, 1n, R - 1n, R - 5n, 2n ** 64n, 2n ** 64n - 1n, (R - 1n) / 2n];
const values = new Map(layout.slots.map((s, k) => [s.name, Array.from({ length: 2 ** s.numVars }, (_, i) => (i < edge.length && k % 2 === 0 ? edge[i] : randomFrs(1, `${s.name}-${i}`)[0]))]));
const order = ["tiny", "one", "big", "other", "small", "mid"];

function withBackend<T>(name: string, body: () => T): T {
  const saved = process.env.DEEPPROVE_MSM_BACKEND;
  process.env.DEEPPROVE_MSM_BACKEND = name;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
    else process.env.DEEPPROVE_MSM_BACKEND = saved;
  }
}

function commitAll(chunkBits: number | null) {
  const committer = new AdviceCommitter({ layout, srs, chunkBits });
  for (const name of order) committer.add(name, values.get(name)!);
  return committer.finish();
}

describe("AdviceCommitter: A committed as its columns arrive", () => {
  const reference = slotTable(layout, (name) => values.get(name)!);
  for (const chunkBits of [3, 5, null]) {
    it(`equals slotTable + commitChunked (chunk bits ${chunkBits ?? "off"}), native`, function () {
      if (!native) this.skip();
      const got = withBackend("native", () => commitAll(chunkBits));
      expect(got.table).to.be.instanceOf(Uint8Array);
      expect(tableBigints(got.table)).to.deep.equal(reference);
      const want = commitChunked(srs, reference, chunkBits);
      expect(got.commitment.length).to.equal(want.length);
      got.commitment.forEach((p, k) => expect(p.equals(want[k]), `chunk ${k}`).to.equal(true));
    });

    it(`equals slotTable + commitChunked (chunk bits ${chunkBits ?? "off"}), portable`, () => {
      const got = withBackend("portable", () => commitAll(chunkBits));
      expect(got.table).to.deep.equal(reference);
      const want = withBackend("portable", () => commitChunked(srs, reference, chunkBits));
      got.commitment.forEach((p, k) => expect(p.equals(want[k]), `chunk ${k}`).to.equal(true));
    });
  }

  for (const backend of ["native", "portable"]) {
    it(`refuses bad columns (${backend})`, function () {
      if (backend === "native" && !native) this.skip();
      withBackend(backend, () => {
        const committer = new AdviceCommitter({ layout, srs, chunkBits: 3 });
        expect(() => committer.add("nope", [1n])).to.throw(RangeError, /advice column "nope" is not in A's layout/);
        expect(() => committer.add("tiny", [1n, 2n])).to.throw(RangeError, /advice column "tiny": 2 values, expected 2\^2/);
        committer.add("one", [3n]);
        expect(() => committer.add("one", [3n])).to.throw(RangeError, /advice column "one" was set twice/);
        expect(() => committer.finish()).to.throw(RangeError, /advice column "big" has no witness/);
        committer.close();
      });
    });
  }

  it("refuses a non-canonical value (native packing)", function () {
    if (!native) this.skip();
    withBackend("native", () => {
      const committer = new AdviceCommitter({ layout, srs, chunkBits: 3 });
      expect(() => committer.add("tiny", [1n, R, 2n, 3n])).to.throw(RangeError, /advice column "tiny": value 1 is not a canonical Fr element/);
      expect(() => committer.add("small", [1n, -1n, 0n, 0n, 0n, 0n, 0n, 0n])).to.throw(RangeError, /advice column "small": value 1/);
      committer.close();
    });
  });

  it("refuses an SRS shorter than a chunk", () => {
    expect(() => new AdviceCommitter({ layout, srs: insecureDevSrs(16), chunkBits: 5 })).to.throw(RangeError, /32 coefficients but the SRS has 16 powers/);
  });
});
