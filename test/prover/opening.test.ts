import { expect } from "chai";
import { loadNative } from "../../src/msm";
import { HyperKZG } from "../../src/pcs/hyperkzg";
import { evaluateMle } from "../../src/poly/mle";
import { proveSlottedBatchOpening } from "../../src/prover/graph/opening";
import { Transcript } from "../../src/transcript";
import { graphSrs } from "./graph-helpers";
import { randomFrs } from "./helpers";

describe("slotted batch opening: native and portable kernels make the same proof", function () {
  before(function () {
    if (!loadNative()) this.skip();
  });

  it("for claims at several points, on slots, with repeated points and a single point", () => {
    const srs = graphSrs();
    const tables = [randomFrs(2 ** 6, "o0"), randomFrs(2 ** 4, "o1").map((x, i) => (i % 3 === 0 ? 0n : x)), randomFrs(2 ** 7, "o2"), randomFrs(2 ** 5, "o3")];
    const commitments = tables.map((t) => HyperKZG.commit(srs, t));
    const claim = (poly: number, low: bigint[], sel: bigint[]) => {
      const point = [...low, ...sel];
      return { poly, point, value: evaluateMle(tables[poly], point) };
    };
    const shared = randomFrs(3, "op");
    const sets = [
      [claim(0, shared, [1n, 0n, 1n]), claim(0, shared, [0n, 1n, 1n]), claim(0, shared, [0n, 1n, 1n]), claim(1, randomFrs(2, "oq"), [1n, 1n]), claim(2, randomFrs(7, "or"), []), claim(2, shared, [0n, 0n, 1n, 1n]), claim(3, [], [1n, 0n, 0n, 1n, 1n])],
      [claim(2, randomFrs(7, "os"), []), claim(2, randomFrs(7, "os"), [])],
      [claim(1, randomFrs(4, "ot"), []), claim(3, [...randomFrs(4, "ot"), 0n], [])],
    ];
    for (const claims of sets) {
      const a = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript: new Transcript("o"), kernels: "portable" });
      const tb = new Transcript("o");
      const b = proveSlottedBatchOpening({ srs, tables, commitments, claims, transcript: tb, kernels: "native" });
      expect(b.sumcheck?.rounds ?? null).to.deep.equal(a.sumcheck?.rounds ?? null);
      expect(b.opening.evals).to.deep.equal(a.opening.evals);
      expect(b.opening.folds.length).to.equal(a.opening.folds.length);
      expect(b.opening.folds.every((f, i) => f.equals(a.opening.folds[i]))).to.equal(true);
      expect(b.opening.w.equals(a.opening.w) && b.opening.wPrime.equals(a.opening.wPrime)).to.equal(true);
    }
  });
});
