/**
 * The nearest-Resize IOP: the index maps read off the executor reproduce `1l_upsample`'s trace; completeness
 * on the corpus and on synthetic up/down-sampling maps; soundness (every message tampered, a false claim refused
 * and rejected, maps outside the input refused).
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { LayerProofError } from "../../src/prover/claims";
import { checkResizeSpec, proveResize, resizeApply, verifyResize, type ResizeSpec } from "../../src/prover/layers/resize";
import { resizeNode } from "../../src/prover/layers/resize-spec";
import { LayoutError } from "../../src/prover/tensor";
import { Transcript } from "../../src/transcript";
import { intTensor } from "./helpers";
import { loadCorpusTrace } from "./corpus-helpers";
import { claimOn, expectTensorClaim, tamperedCopies, tensorHolds } from "./select-helpers";

function roundTrip(spec: ResizeSpec, x: { shape: readonly number[]; data: number[] }, seed: string) {
  const y = resizeApply(spec, x);
  const claim = claimOn(y, seed);
  const { proof, claim: pc } = proveResize({ spec, x, claim, transcript: new Transcript("resize") });
  const vc = verifyResize({ spec, claim, proof, transcript: new Transcript("resize") });
  expect(vc).to.deep.equal(pc);
  return { y, claim, proof, out: vc };
}

const up2: ResizeSpec = { x: [1, 2, 3, 5], out: [1, 2, 6, 10], maps: [[0], [0, 1], [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]] };
const down: ResizeSpec = { x: [2, 7], out: [2, 3], maps: [[0, 1], [0, 3, 6]] };
const odd: ResizeSpec = { x: [3, 4], out: [5, 3], maps: [[0, 1, 1, 2, 2], [3, 0, 2]] };

describe("prover: nearest Resize IOP", () => {
  for (const [name, spec] of [["upsample ×2", up2], ["downsample", down], ["irregular maps", odd]] as const) {
    it(`completeness: ${name}`, () => {
      const x = intTensor([...spec.x], name, 2047);
      const r = roundTrip(spec, x, name);
      expectTensorClaim(x, r.out, "X claim");
    });
  }

  it("corpus: 1l_upsample (maps from the executor reproduce the trace)", function () {
    const loaded = loadCorpusTrace("1l_upsample");
    if (!loaded) this.skip();
    const { model, trace, env } = loaded!;
    const step = trace.steps.find((s) => s.op === "Resize" || s.op === "Upsample")!;
    const n = resizeNode(model, step.node);
    const xt = env.get(n.x)!;
    const x = { shape: xt.shape, data: Array.from(xt.data) };
    expect(resizeApply(n.spec, x).data).to.deep.equal(Array.from(step.values[0].data));
    const r = roundTrip(n.spec, x, "corpus");
    expectTensorClaim(x, r.out, "X claim");
  });

  it("soundness: every message tampered; a false claim refused and rejected", () => {
    const x = intTensor([...up2.x], "sound", 2047);
    const r = roundTrip(up2, x, "t");
    for (const { path, proof } of tamperedCopies(r.proof)) {
      let caught = false;
      try {
        caught = !tensorHolds(x, verifyResize({ spec: up2, claim: r.claim, proof, transcript: new Transcript("resize") }));
      } catch (e) {
        expect(e, path).to.be.instanceOf(LayerProofError);
        caught = true;
      }
      expect(caught, path).to.equal(true);
    }
    const bad = { point: r.claim.point, value: Fr.add(r.claim.value, 1n) };
    expect(() => proveResize({ spec: up2, x, claim: bad, transcript: new Transcript("resize") })).to.throw(LayerProofError, /false/);
    let caught = false;
    try {
      caught = !tensorHolds(x, verifyResize({ spec: up2, claim: bad, proof: r.proof, transcript: new Transcript("resize") }));
    } catch (e) {
      expect(e).to.be.instanceOf(LayerProofError);
      caught = true;
    }
    expect(caught).to.equal(true);
  });

  it("bad specs are refused", () => {
    expect(() => checkResizeSpec({ ...down, maps: [[0, 1], [0, 3, 7]] })).to.throw(LayoutError, /outside/);
    expect(() => checkResizeSpec({ ...down, maps: [[0, 1], [0, 3]] })).to.throw(LayoutError, /map entries/);
    expect(() => checkResizeSpec({ ...down, out: [2] })).to.throw(LayoutError, /entries/);
  });
});
