/**
 * The prover's memory cuts for long generations (docs/gguf.md, "Prover memory") change no bytes: the development
 * SRS made in chunks of the native fixed-base multiplication equals one call, and the batch opening's pair
 * sum-check over short (zero-extended) pairs makes the proof of the lifted tables, round for round.
 */
import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm";
import { fixedBasePowers } from "../../src/pcs/srs";
import { provePairProductSumcheck } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
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
});
