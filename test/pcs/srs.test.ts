import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { G1, G2, pairingProductIsOne } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import { loadNative, selectedBackend } from "../../src/msm";
import {
  CACHE_MIN_SIZE,
  INSECURE_DEV_SEED,
  INSECURE_ORIGIN_PREFIX,
  insecureDevSrs,
  insecureDevTau,
} from "../../src/pcs/srs";

function withBackend<T>(backend: string, f: () => T): T {
  const saved = process.env.DEEPPROVE_MSM_BACKEND;
  process.env.DEEPPROVE_MSM_BACKEND = backend;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
    else process.env.DEEPPROVE_MSM_BACKEND = saved;
  }
}

describe("insecureDevSrs", () => {
  it("is loudly labelled insecure and derives tau = keccak256(seed) mod r", () => {
    const srs = insecureDevSrs(4);
    expect(srs.origin).to.equal(`${INSECURE_ORIGIN_PREFIX}(${INSECURE_DEV_SEED})`);
    expect(srs.origin).to.match(/^INSECURE/);
    expect(insecureDevTau("abc")).to.equal(
      Fr.reduce(0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45n),
    );
  });

  for (const backend of ["native", "portable"]) {
    it(`${backend}: holds tau^i·G1 and tau·G2, for sizes 1, 2 and 37`, function () {
      if (backend === "native" && !loadNative()) this.skip();
      withBackend(backend, () => {
        const tau = insecureDevTau("srs test");
        for (const size of [1, 2, 37]) {
          const srs = insecureDevSrs(size, "srs test");
          expect(srs.g1Powers.length).to.equal(size);
          expect(srs.g2.equals(G2.BASE)).to.equal(true);
          expect(srs.tauG2.equals(G2.BASE.multiply(tau))).to.equal(true);
          for (let i = 0; i < size; i += 9) {
            expect(srs.g1Powers.at(i).equals(i === 0 ? G1.BASE : G1.BASE.multiply(Fr.pow(tau, BigInt(i))))).to.equal(true);
          }
        }
      });
    });
  }

  it("native and portable give the same bytes, and the powers pass the pairing check", function () {
    if (!loadNative()) this.skip();
    const a = withBackend("native", () => insecureDevSrs(70, "cmp"));
    const b = withBackend("portable", () => insecureDevSrs(70, "cmp"));
    expect(Buffer.from(a.g1Powers.montgomeryBytes()).equals(Buffer.from(b.g1Powers.montgomeryBytes()))).to.equal(true);
    const p = a.g1Powers;
    for (const i of [0, 33, 68]) {
      expect(pairingProductIsOne([[p.at(i + 1), a.g2], [p.at(i).negate(), a.tauG2]])).to.equal(true);
    }
  });

  it("different seeds give different setups", () => {
    expect(insecureDevSrs(2, "a").g1Powers.at(1).equals(insecureDevSrs(2, "b").g1Powers.at(1))).to.equal(false);
  });

  it("rejects sizes that are not positive integers", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => insecureDevSrs(bad)).to.throw(RangeError, /size must be >= 1/);
    }
  });

  describe("disk cache (native only)", () => {
    let dir: string;
    const saved = process.env.DEEPPROVE_CACHE_DIR;
    before(function () {
      if (selectedBackend() !== "native") this.skip();
      dir = mkdtempSync(join(tmpdir(), "deepprove-srs-"));
      process.env.DEEPPROVE_CACHE_DIR = dir;
    });
    after(() => {
      if (saved === undefined) delete process.env.DEEPPROVE_CACHE_DIR;
      else process.env.DEEPPROVE_CACHE_DIR = saved;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("writes a cache, serves equal and smaller sizes from it, and recomputes over a corrupted one", () => {
      const fresh = insecureDevSrs(CACHE_MIN_SIZE, "cache test");
      const files = readdirSync(dir);
      expect(files).to.have.length(1);
      expect(files[0]).to.match(/^INSECURE-dev-srs-[0-9a-f]{24}-16384\.bin$/);
      const again = insecureDevSrs(CACHE_MIN_SIZE, "cache test");
      expect(Buffer.from(again.g1Powers.montgomeryBytes()).equals(Buffer.from(fresh.g1Powers.montgomeryBytes()))).to.equal(true);

      // A valid curve point in the wrong place (power 500 replaced by power 501) must not be served.
      const path = join(dir, files[0]);
      const raw = readFileSync(path);
      const head = raw.length - CACHE_MIN_SIZE * 64;
      raw.copy(raw, head + 500 * 64, head + 501 * 64, head + 502 * 64);
      writeFileSync(path, raw);
      const recomputed = insecureDevSrs(CACHE_MIN_SIZE, "cache test");
      expect(recomputed.g1Powers.at(500).equals(fresh.g1Powers.at(500))).to.equal(true);
      // ... and the recomputation rewrote a good cache.
      const rewritten = readFileSync(path);
      expect(rewritten.subarray(head).equals(Buffer.from(fresh.g1Powers.montgomeryBytes()))).to.equal(true);
    });

    it("serves the points from a buffer of their own on the 8-byte grid (the MSM copies misaligned bases), a smaller size from a larger file", () => {
      const large = insecureDevSrs(2 * CACHE_MIN_SIZE, "aligned test");
      const small = insecureDevSrs(CACHE_MIN_SIZE, "aligned test");
      const again = insecureDevSrs(2 * CACHE_MIN_SIZE, "aligned test");
      for (const srs of [small, again]) {
        const bytes = srs.g1Powers.montgomeryBytes();
        expect(bytes.byteOffset % 8).to.equal(0);
        expect(bytes.buffer.byteLength).to.equal(bytes.length); // not a view into the whole file
      }
      expect(small.g1Powers.length).to.equal(CACHE_MIN_SIZE);
      expect(Buffer.from(small.g1Powers.montgomeryBytes()).equals(Buffer.from(large.g1Powers.montgomeryBytes().subarray(0, CACHE_MIN_SIZE * 64)))).to.equal(true);
      expect(Buffer.from(again.g1Powers.montgomeryBytes()).equals(Buffer.from(large.g1Powers.montgomeryBytes()))).to.equal(true);
    });
  });
});
