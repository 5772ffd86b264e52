import { expect } from "chai";
import { encodePacked, keccak256, stringToHex, type Hex } from "viem";
import { G1 } from "../../src/curve/bn254";
import { MODULUS } from "../../src/field/fr";
import { labelWord, PROTOCOL_TAG, Transcript } from "../../src/transcript";

/** The vector of docs/transcript.md; the Solidity replay checks the same bytes. */
const VECTOR = {
  start: "0x7def756374a925f60ebad9ff5cec476a4942a1d7258ae40c8ca8f27d3e74e4c7",
  absorbScalar: "0x5f8ff44cdea6140936c87cc3d104d91be259ee07e51936ca65ed26f7473075be",
  absorbScalars: "0x2f81d4450bd7b8d5145d3c8f35778e14ec5851c4e83466a914de7cc1460fda9d",
  absorbPoints: "0x05e3c77ad1c55efda605715a32648e5ecd3fc990c298f238121d92c027087cb2",
  absorbBytes: "0x4f10da49dcbb5c9f44a5cacc22b9ff3b3e22cbc58a838bdeafd2586c64054889",
  absorbUints: "0x7314537d9cfea521152a646b04c035bff0038f2d68d68df2260351d27429add9",
  state1: "0xfff5d6fd2f66a0bd7c0f5406572a7663e5e3d9f75f922d98fcb601ac9bba8937",
  c1: 0xe004ebec96e7fece27df775cfa3bc921ce0508cfef2fac2a94c35c8ebba8932n,
  state2: "0x2424cfca23054a899ba385364ba5c401ee74245c88e768eaef62e56fa7027573",
  c2: 0x2424cfca23054a899ba385364ba5c401ee74245c88e768eaef62e56fa7027573n,
} as const;

const BYTES = new TextEncoder().encode("deepprove-evm: 36 bytes of test data");

/** Runs the documented vector, returning the state after each step. */
function runVector(): { states: string[]; c1: bigint; c2: bigint } {
  const t = new Transcript("test-vector");
  const states = [t.stateHex];
  t.absorbScalar("scalar", 1n);
  states.push(t.stateHex);
  t.absorbScalars("scalars", [0n, MODULUS - 1n, 1n << 200n]);
  states.push(t.stateHex);
  t.absorbPoints("points", [G1.BASE, G1.ZERO]);
  states.push(t.stateHex);
  t.absorbBytes("bytes", BYTES);
  states.push(t.stateHex);
  t.absorbUints("uints", [5, (1n << 256n) - 1n]);
  states.push(t.stateHex);
  const c1 = t.challengeScalar("challenge");
  states.push(t.stateHex);
  const c2 = t.challengeScalar("challenge");
  states.push(t.stateHex);
  return { states, c1, c2 };
}

const label = (s: string): Hex => stringToHex(s, { size: 32 });
const words = (xs: readonly bigint[]) => encodePacked(xs.map(() => "uint256" as const), [...xs]);
const cat = (...hex: Hex[]): Hex => `0x${hex.map((h) => h.slice(2)).join("")}`;

describe("transcript", () => {
  it("reproduces the fixed test vector of docs/transcript.md", () => {
    const { states, c1, c2 } = runVector();
    expect(states).to.deep.equal([
      VECTOR.start,
      VECTOR.absorbScalar,
      VECTOR.absorbScalars,
      VECTOR.absorbPoints,
      VECTOR.absorbBytes,
      VECTOR.absorbUints,
      VECTOR.state1,
      VECTOR.state2,
    ]);
    expect(c1).to.equal(VECTOR.c1);
    expect(c2).to.equal(VECTOR.c2);
    // The first challenge's hash exceeds r, so the vector exercises the reduction.
    expect(BigInt(VECTOR.state1) >= MODULUS).to.equal(true);
    expect(BigInt(VECTOR.state1) % MODULUS).to.equal(VECTOR.c1);
  });

  it("matches an independent word-by-word keccak (viem) of the spec", () => {
    let s: Hex = keccak256(cat(label(PROTOCOL_TAG), label("test-vector")));
    expect(s).to.equal(VECTOR.start);
    s = keccak256(cat(s, label("scalar"), words([1n])));
    expect(s).to.equal(VECTOR.absorbScalar);
    s = keccak256(cat(s, label("scalars"), words([0n, MODULUS - 1n, 1n << 200n])));
    expect(s).to.equal(VECTOR.absorbScalars);
    s = keccak256(cat(s, label("points"), words([1n, 2n, 0n, 0n])));
    expect(s).to.equal(VECTOR.absorbPoints);
    const padded = new Uint8Array(64);
    padded.set(BYTES);
    s = keccak256(cat(s, label("bytes"), words([36n]), `0x${Buffer.from(padded).toString("hex")}`));
    expect(s).to.equal(VECTOR.absorbBytes);
    s = keccak256(cat(s, label("uints"), words([5n, (1n << 256n) - 1n])));
    expect(s).to.equal(VECTOR.absorbUints);
    s = keccak256(cat(s, label("challenge")));
    expect(BigInt(s) % MODULUS).to.equal(VECTOR.c1);
  });

  it("different labels, orders, domains or data give different challenges", () => {
    const run = (domain: string, steps: [string, bigint][], chLabel = "c") => {
      const t = new Transcript(domain);
      for (const [l, x] of steps) t.absorbScalar(l, x);
      return t.challengeScalar(chLabel);
    };
    const base = run("d", [["a", 1n], ["b", 2n]]);
    const variants = [
      run("e", [["a", 1n], ["b", 2n]]),
      run("d", [["b", 2n], ["a", 1n]]),
      run("d", [["a", 2n], ["b", 1n]]),
      run("d", [["a", 1n], ["c", 2n]]),
      run("d", [["a", 1n], ["b", 3n]]),
      run("d", [["a", 1n], ["b", 2n]], "c2"),
      run("d", [["a", 1n]]),
    ];
    for (const v of variants) expect(v).to.not.equal(base);
    expect(new Set(variants).size).to.equal(variants.length);
    // Same inputs, same challenge: the transcript is deterministic.
    expect(run("d", [["a", 1n], ["b", 2n]])).to.equal(base);
  });

  it("grouping matters: one absorb of [x, y] differs from two absorbs", () => {
    const a = new Transcript("g");
    a.absorbScalars("v", [1n, 2n]);
    const b = new Transcript("g");
    b.absorbScalar("v", 1n);
    b.absorbScalar("v", 2n);
    expect(a.challengeScalar("c")).to.not.equal(b.challengeScalar("c"));
  });

  it("successive challenges differ and clone() forks an identical state", () => {
    const t = new Transcript("x");
    const fork = t.clone();
    const [c1, c2] = t.challengeScalars("c", 2);
    expect(c1).to.not.equal(c2);
    expect(fork.challengeScalar("c")).to.equal(c1);
  });

  it("absorbing nothing leaves the state unchanged", () => {
    const t = new Transcript("x");
    const before = t.stateHex;
    t.absorbScalars("empty", []);
    t.absorbPoints("empty", []);
    expect(t.stateHex).to.equal(before);
  });

  it("refuses bad labels and non-canonical scalars, naming them", () => {
    const t = new Transcript("x");
    expect(() => labelWord("")).to.throw(/1\.\.32 printable ASCII/);
    expect(() => labelWord("x".repeat(33))).to.throw(/1\.\.32 printable ASCII/);
    expect(() => labelWord("é")).to.throw(/printable ASCII/);
    expect(() => t.absorbScalars("vals", [1n, MODULUS])).to.throw(/transcript scalar 1 of "vals"/);
    expect(() => t.absorbUints("n", [-1])).to.throw(/does not fit in 256 bits/);
  });
});
