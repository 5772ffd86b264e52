import { expect } from "chai";
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bn254 } from "@noble/curves/bn254";
import { BASE_FIELD_MODULUS, G1, G2, pairingProductIsOne } from "../../src/curve/bn254";
import { writeWordLE } from "../../src/msm/layout";
import { loadNative } from "../../src/msm";
import { loadPtau, PtauError } from "../../src/pcs/ptau";

const FIXTURES = join(__dirname, "..", "fixtures", "ptau");
const CONTRIBUTED = join(FIXTURES, "pot8_0001.ptau");
const PREPARED = join(FIXTURES, "pot8_final.ptau");
/** Offsets in a power-8 file: 12-byte file header, header section (12 + 44), tauG1 section header (12). */
const TAU_G1_OFFSET = 12 + 12 + 44 + 12;
const G1_COUNT = 2 * 256 - 1;
const TAU_G2_OFFSET = TAU_G1_OFFSET + G1_COUNT * 64 + 12;

describe("loadPtau (snarkjs .ptau)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-ptau-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a modified copy of the contributed fixture and returns its path. */
  function variant(name: string, edit: (bytes: Buffer) => Buffer | void): string {
    const bytes = Buffer.from(readFileSync(CONTRIBUTED));
    const out = edit(bytes) ?? bytes;
    const path = join(dir, name);
    writeFileSync(path, out);
    return path;
  }

  it("loads a contributed file and its phase-2-prepared successor with identical powers", () => {
    const a = loadPtau(CONTRIBUTED);
    const b = loadPtau(PREPARED);
    expect(a.power).to.equal(8);
    expect(a.ceremonyPower).to.equal(8);
    expect(a.g1Powers.length).to.equal(256);
    expect(a.origin).to.equal(`ptau:${CONTRIBUTED}`);
    expect(Buffer.from(a.g1Powers.montgomeryBytes()).equals(Buffer.from(b.g1Powers.montgomeryBytes()))).to.equal(true);
    expect(a.tauG2.equals(b.tauG2)).to.equal(true);
    expect(a.g1Powers.at(0).equals(G1.BASE)).to.equal(true);
    expect(a.g2.equals(G2.BASE)).to.equal(true);
  });

  it("its powers are a KZG setup: e(tau^(i+1)·G1, G2) = e(tau^i·G1, tau·G2) on a spread of i, independently of the loader", () => {
    const srs = loadPtau(PREPARED, { maxSize: G1_COUNT, verify: "none" });
    const points = srs.g1Powers.toPoints();
    for (let i = 0; i + 1 < points.length; i += 37) {
      expect(pairingProductIsOne([[points[i + 1], G2.BASE], [points[i].negate(), srs.tauG2]])).to.equal(true);
    }
  });

  it("honours maxSize (1, 3, all 2^(power+1) - 1) and refuses more", () => {
    expect(loadPtau(CONTRIBUTED, { maxSize: 1 }).g1Powers.length).to.equal(1);
    expect(loadPtau(CONTRIBUTED, { maxSize: 3 }).g1Powers.length).to.equal(3);
    expect(loadPtau(CONTRIBUTED, { maxSize: G1_COUNT, verify: "sample" }).g1Powers.length).to.equal(G1_COUNT);
    expect(() => loadPtau(CONTRIBUTED, { maxSize: G1_COUNT + 1 })).to.throw(PtauError, /maxSize 512 is not in 1\.\.511/);
  });

  it("decodes the same points with and without the native kernels", function () {
    if (!loadNative()) this.skip();
    const saved = process.env.DEEPPROVE_MSM_BACKEND;
    const native = loadPtau(CONTRIBUTED, { verify: "none" }).g1Powers;
    try {
      process.env.DEEPPROVE_MSM_BACKEND = "portable";
      const portable = loadPtau(CONTRIBUTED, { verify: "sample", samples: 4 }).g1Powers;
      for (const i of [0, 1, 100, 255]) expect(native.at(i).equals(portable.at(i))).to.equal(true);
    } finally {
      if (saved === undefined) delete process.env.DEEPPROVE_MSM_BACKEND;
      else process.env.DEEPPROVE_MSM_BACKEND = saved;
    }
  });

  describe("refuses bad files with the file, section and offset", () => {
    it("missing file, empty file, wrong magic, unsupported version", () => {
      expect(() => loadPtau(join(dir, "nope.ptau"))).to.throw(PtauError, /nope\.ptau: file at byte offset 0: cannot open \(ENOENT\)/);
      const empty = variant("empty.ptau", () => Buffer.alloc(0));
      expect(() => loadPtau(empty)).to.throw(PtauError, /empty\.ptau: file header at byte offset 0: file is 0 bytes/);
      const magic = variant("magic.ptau", (b) => void b.write("zkey", 0, "latin1"));
      expect(() => loadPtau(magic)).to.throw(PtauError, /file header at byte offset 0: bad magic "zkey"/);
      const version = variant("version.ptau", (b) => void b.writeUInt32LE(7, 4));
      expect(() => loadPtau(version)).to.throw(PtauError, /byte offset 4: unsupported version 7/);
    });

    it("a whole 2^25 ceremony without maxSize (sparse file: only the section table is real)", () => {
      const path = join(dir, "big.ptau");
      const power = 25;
      const g1Bytes = (2 ** (power + 1) - 1) * 64;
      const g2Bytes = 2 ** power * 128;
      const head = Buffer.alloc(12 + 12 + 44 + 12);
      head.write("ptau", 0, "latin1");
      head.writeUInt32LE(1, 4);
      head.writeUInt32LE(3, 8);
      head.writeUInt32LE(1, 12);
      head.writeBigUInt64LE(44n, 16);
      head.writeUInt32LE(32, 24);
      Buffer.from(readFileSync(CONTRIBUTED).subarray(28, 60)).copy(head, 28); // BN254's q, from a real file
      head.writeUInt32LE(power, 60);
      head.writeUInt32LE(28, 64);
      head.writeUInt32LE(2, 68);
      head.writeBigUInt64LE(BigInt(g1Bytes), 72);
      const g2Header = Buffer.alloc(12);
      g2Header.writeUInt32LE(3, 0);
      g2Header.writeBigUInt64LE(BigInt(g2Bytes), 4);
      const fd = openSync(path, "w");
      try {
        writeSync(fd, head, 0, head.length, 0);
        writeSync(fd, g2Header, 0, 12, head.length + g1Bytes);
        ftruncateSync(fd, head.length + g1Bytes + 12 + g2Bytes);
      } finally {
        closeSync(fd);
      }
      expect(() => loadPtau(path)).to.throw(PtauError, /big\.ptau: tauG1\(2\) at byte offset 80: the file holds 2\^25 powers \(2 GiB\); pass maxSize/);
      // With maxSize only that prefix is read (here: the sparse zeros, refused as infinity).
      expect(() => loadPtau(path, { maxSize: 4 })).to.throw(PtauError, /byte offset 80: point 0 is infinity/);
      rmSync(path);
    });

    it("truncated file", () => {
      const cut = variant("cut.ptau", (b) => b.subarray(0, TAU_G1_OFFSET + 1000));
      expect(() => loadPtau(cut)).to.throw(PtauError, /cut\.ptau: tauG1\(2\) at byte offset 68: section declares 32704 bytes but the file ends after 1000 \(truncated\?\)/);
    });

    it("wrong curve and wrong power in the header", () => {
      const q = variant("q.ptau", (b) => void (b[12 + 12 + 4] ^= 1));
      expect(() => loadPtau(q)).to.throw(PtauError, /header\(1\) at byte offset 28: field modulus q is not BN254's/);
      const power = variant("power.ptau", (b) => void b.writeUInt32LE(9, 12 + 12 + 36));
      expect(() => loadPtau(power)).to.throw(PtauError, /tauG1\(2\) at byte offset \d+: section is 32704 bytes, expected 65472/);
    });

    it("a G1 power off the curve, or at infinity", () => {
      const off = variant("off.ptau", (b) => void (b[TAU_G1_OFFSET + 5 * 64 + 3] ^= 0x10));
      expect(() => loadPtau(off)).to.throw(PtauError, new RegExp(`tauG1\\(2\\) at byte offset ${TAU_G1_OFFSET + 320}: point 5 is not on BN254 G1`));
      const inf = variant("inf.ptau", (b) => void b.fill(0, TAU_G1_OFFSET + 7 * 64, TAU_G1_OFFSET + 8 * 64));
      expect(() => loadPtau(inf)).to.throw(PtauError, /point 7 is infinity/);
    });

    /** Valid curve points in the wrong place: only the pairing checks can catch these. */
    function swapped(name: string, i: number, j: number): string {
      return variant(name, (b) => {
        const pi = Buffer.from(b.subarray(TAU_G1_OFFSET + i * 64, TAU_G1_OFFSET + (i + 1) * 64));
        b.copy(b, TAU_G1_OFFSET + i * 64, TAU_G1_OFFSET + j * 64, TAU_G1_OFFSET + (j + 1) * 64);
        pi.copy(b, TAU_G1_OFFSET + j * 64);
      });
    }

    it("two G1 powers swapped: the batched check catches it, and so does an exhaustive sample", () => {
      const path = swapped("swap.ptau", 100, 101);
      expect(() => loadPtau(path)).to.throw(PtauError, /tauG1\(2\).*the 256 powers are not successive powers of one tau/);
      expect(() => loadPtau(path, { verify: "sample", samples: 300 })).to.throw(PtauError, /point 101 is not tau·\(point 100\)|point 100 is not tau·\(point 99\)/);
      expect(loadPtau(path, { verify: "none" }).g1Powers.length).to.equal(256);
    });

    it("a swap beyond maxSize does not matter; a swap inside it does", () => {
      const path = swapped("swap-late.ptau", 300, 301);
      expect(loadPtau(path, { maxSize: 256 }).g1Powers.length).to.equal(256);
      expect(() => loadPtau(path, { maxSize: 400 })).to.throw(PtauError, /not successive powers/);
    });

    it("the generator replaced, or tau·G2 inconsistent with tau·G1", () => {
      const gen = swapped("gen.ptau", 0, 1);
      expect(() => loadPtau(gen)).to.throw(PtauError, /tau\^0·G1 is not the generator/);
      const tauG2 = variant("tau-g2.ptau", (b) => {
        b.copy(b, TAU_G2_OFFSET + 128, TAU_G2_OFFSET + 2 * 128, TAU_G2_OFFSET + 3 * 128);
      });
      expect(() => loadPtau(tauG2)).to.throw(PtauError, new RegExp(`tauG2\\(3\\) at byte offset ${TAU_G2_OFFSET + 128}: tau·G2 does not match tau·G1`));
    });

    it("a later G2 power inconsistent with the G1 powers (exhaustive G2 sample)", () => {
      const path = variant("g2-late.ptau", (b) => {
        b.copy(b, TAU_G2_OFFSET + 50 * 128, TAU_G2_OFFSET + 51 * 128, TAU_G2_OFFSET + 52 * 128);
      });
      expect(() => loadPtau(path, { samples: 300 })).to.throw(PtauError, /tauG2\(3\).*point 50 does not match tauG1 point 50/);
    });

    it("a G2 point on the twist but outside the prime-order subgroup", () => {
      // Solve y^2 = x^3 + b' from x = 5 + 7u upwards: such points are almost never in the subgroup.
      const { Fp2 } = bn254.fields;
      const twistB = G2.CURVE().b;
      let x = Fp2.fromBigTuple([5n, 7n]);
      let y: typeof x | undefined;
      while (!y) {
        try {
          y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), twistB));
        } catch {
          x = Fp2.add(x, Fp2.ONE);
        }
      }
      const coords = [x.c0, x.c1, y.c0, y.c1];
      const path = variant("g2-torsion.ptau", (b) => {
        const R = (1n << 256n) % BASE_FIELD_MODULUS;
        coords.forEach((v, k) => writeWordLE(b, TAU_G2_OFFSET + 128 + 32 * k, (v * R) % BASE_FIELD_MODULUS));
      });
      expect(() => loadPtau(path)).to.throw(PtauError, /tauG2\(3\).*point 1 is not on the BN254 G2 curve or not in its prime-order subgroup/);
    });

    it("a G2 point off the curve", () => {
      const path = variant("g2-off.ptau", (b) => void (b[TAU_G2_OFFSET + 128 + 9] ^= 1));
      expect(() => loadPtau(path)).to.throw(PtauError, /tauG2\(3\).*point 1 is not on the BN254 G2 curve/);
    });
  });
});
