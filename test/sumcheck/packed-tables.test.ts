import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import { loadNative } from "../../src/msm/native";
import { proveSumcheck, type ProductTerm, type SumcheckTable } from "../../src/sumcheck";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "./helpers";

const R = Fr.MODULUS;
const BACKEND_ENV = "DEEPPROVE_MSM_BACKEND";

/** Canonical 32-byte little-endian words of the values (the packed layout), without the native addon. */
function pack(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(32 * values.length);
  values.forEach((v, i) => {
    for (let b = 0; b < 32; b++) out[32 * i + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  });
  return out;
}

/** Random values with 0, 1, r − 1 and small negatives' representatives mixed in. */
function table(length: number, seed: string): bigint[] {
  const edges = [0n, 1n, R - 1n, R - 5n, 7n];
  return randomFrs(length, seed).map((x, i) => (i % 3 === 1 ? edges[i % edges.length] : x));
}

function withBackend<T>(name: string, body: () => T): T {
  const saved = process.env[BACKEND_ENV];
  process.env[BACKEND_ENV] = name;
  try {
    return body();
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  }
}

/** proveSumcheck on the bigint tables, then with `packedAt` tables given packed: the same proof and transcript. */
function expectSame(tables: bigint[][], terms: ProductTerm[], numVars: number, packedAt: readonly number[], backend: string): void {
  const run = (ts: readonly SumcheckTable[]) =>
    withBackend(backend, () => {
      const transcript = new Transcript("packed-tables");
      const out = proveSumcheck({ tables: ts, terms, numVars, transcript });
      return { out, next: transcript.challengeScalar("next") };
    });
  const a = run(tables);
  const packedTables = tables.map((t, k) => (packedAt.includes(k) ? pack(t) : t));
  const b = run(packedTables);
  expect(b.out.claim).to.equal(a.out.claim);
  expect(b.out.proof.rounds).to.deep.equal(a.out.proof.rounds);
  expect(b.out.point).to.deep.equal(a.out.point);
  expect(b.out.finalEvaluations).to.deep.equal(a.out.finalEvaluations);
  expect(b.next).to.equal(a.next);
  // The caller's packed tables are not modified.
  packedTables.forEach((t, k) => packedAt.includes(k) && expect(t).to.deep.equal(pack(tables[k])));
}

describe("sum-check: packed tables as input (the proof of the same bigint tables)", () => {
  const backends = loadNative() ? ["auto", "portable"] : ["portable"];
  for (const backend of backends) {
    it(`plain, eq-weighted and mixed terms, full and short tables (${backend === "auto" ? "native kernels" : "bigint prover"})`, () => {
      for (const n of [1, 3, 6, 7]) {
        const size = 2 ** n;
        const tables = [table(size, `a${n}`), table(size - 1, `b${n}`), table(Math.max(1, size >> 1) + 1 > size ? size : (size >> 1) + 1, `c${n}`)];
        const eq = table(n, `eq${n}`);
        expectSame(tables, [{ coeff: 3n, factors: [0, 1] }, { coeff: R - 1n, factors: [2] }], n, [0, 2], backend);
        expectSame(tables, [{ coeff: 1n, factors: [0, 1, 2], eqPoint: eq }, { coeff: 5n, factors: [1], eqPoint: eq }], n, [0, 1, 2], backend);
        expectSame(tables, [{ coeff: 2n, factors: [0, 2], eqPoint: eq }, { coeff: 1n, factors: [1, 1] }], n, [1], backend);
      }
    });
  }

  it("refuses a packed table that is not whole words, too long, or holds a word ≥ r (naming the entry)", () => {
    const terms: ProductTerm[] = [{ coeff: 1n, factors: [0] }];
    for (const backend of backends) {
      withBackend(backend, () => {
        const prove = (t: Uint8Array) => proveSumcheck({ tables: [t], terms, numVars: 6, transcript: new Transcript("x") });
        expect(() => prove(new Uint8Array(33))).to.throw(RangeError, "not a whole number of 32-byte words");
        expect(() => prove(new Uint8Array(32 * 65))).to.throw(RangeError, "65 entries, more than 2^6");
        for (const bad of [R, R + 1n, 2n ** 256n - 1n, R + 2n ** 200n]) {
          const words = pack(table(64, "bad"));
          words.set(pack([bad]), 32 * 9);
          expect(() => prove(words), `${bad}`).to.throw(RangeError, "entry 9 is not a canonical field element");
        }
        const ok = pack([...table(63, "ok"), R - 1n]);
        expect(() => prove(ok)).to.not.throw();
      });
    }
  });
});
