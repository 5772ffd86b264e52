import { expect } from "chai";
import { G1 } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import {
  committedTable,
  functionTable,
  HALF,
  LookupError,
  proveLookup,
  rangeTable,
  shiftedInverses,
  verifierTable,
  verifyLookup,
  type LookupClaims,
  type LookupProof,
  type LookupTable,
  type ProveLookupResult,
  type WitnessColumn,
} from "../../src/lookup";
import { evaluateMle } from "../../src/poly";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { randomFrs } from "../sumcheck/helpers";
import { cheatingProof } from "./adversary";
import { batchResolves, claimsHold, fr, randomInts } from "./helpers";

const DOMAIN = "lookup-test";
const SRS = insecureDevSrs(1024);
const relu = (x: bigint): bigint => (x > 0n ? x : 0n);

interface Instance {
  readonly name: string;
  readonly table: LookupTable;
  readonly columns: WitnessColumn[];
}

/** A column of `len` ReLU (input, output) pairs drawn from the 10-bit domain [-512, 512). */
function reluColumn(len: number, seed: string): WitnessColumn {
  const xs = randomInts(len, seed, 1024).map((v) => BigInt(v - 512));
  return [fr(xs), fr(xs.map(relu))];
}

const RANGE = rangeTable(-8, 4); // [-8, 8)
const RELU = functionTable(SRS, -512, 10, relu);
const RANDOM_ROWS = 13; // padded to 16 by repeating row 0
const RANDOM_TABLE_COLS = [randomFrs(RANDOM_ROWS, "rt-a"), randomFrs(RANDOM_ROWS, "rt-b")];
const RANDOM = committedTable(SRS, RANDOM_TABLE_COLS);
const randomColumn = (len: number, seed: string): WitnessColumn => {
  const rows = randomInts(len, seed, RANDOM_ROWS);
  return RANDOM_TABLE_COLS.map((c) => rows.map((y) => c[y]));
};

const INSTANCES: Instance[] = [
  { name: "range [-8, 8), one entry", table: RANGE, columns: [[fr([-8])]] },
  {
    name: "range [-8, 8), three columns of 5, 16 and 3 entries",
    table: RANGE,
    columns: [5, 16, 3].map((len, i) => [fr(randomInts(len, `range${i}`, 16).map((v) => v - 8))]),
  },
  {
    name: "10-bit ReLU (input range, committed output), columns of 7 and 100",
    table: RELU,
    columns: [reluColumn(7, "r0"), reluColumn(100, "r1")],
  },
  {
    name: "random committed 2-column table (13 rows), columns of 9 and 16",
    table: RANDOM,
    columns: [randomColumn(9, "c0"), randomColumn(16, "c1")],
  },
  { name: "one-row table (0 variables)", table: rangeTable(5, 0), columns: [[fr([5, 5, 5])]] },
];

const lengthsOf = (columns: readonly WitnessColumn[]): number[] => columns.map((c) => c[0].length);

function prove(inst: Instance, multiplicities?: bigint[]): ProveLookupResult {
  return proveLookup({
    srs: SRS,
    table: inst.table,
    columns: inst.columns,
    transcript: new Transcript(DOMAIN),
    multiplicities,
  });
}

function verify(inst: Instance, proof: LookupProof, transcript = new Transcript(DOMAIN)): LookupClaims {
  return verifyLookup({ table: verifierTable(inst.table), lengths: lengthsOf(inst.columns), proof, transcript });
}

/** Rejected = the verifier throws a LookupError, or its claims are false (no batch opening can prove them). */
function rejected(inst: Instance, proof: LookupProof, polys: readonly (readonly bigint[])[]): boolean {
  let claims: LookupClaims;
  try {
    claims = verify(inst, proof);
  } catch (e) {
    if (e instanceof LookupError) return true;
    throw e;
  }
  return !claimsHold(SRS, claims, polys, inst.columns);
}

describe("LogUp lookup (committed helpers)", () => {
  const results = INSTANCES.map((inst) => prove(inst));

  describe("completeness", () => {
    INSTANCES.forEach((inst, n) => {
      it(`${inst.name}: verifier claims = prover claims, all true`, () => {
        const claims = verify(inst, results[n].proof);
        expect(claims).to.deep.equal(results[n].claims);
        expect(claimsHold(SRS, claims, results[n].polys, inst.columns)).to.equal(true);
      });
    });

    it("the whole pipeline (lookup, then one batch opening, then witness claims) accepts", () => {
      for (const n of [1, 2, 3, 4]) {
        const inst = INSTANCES[n];
        const pt = new Transcript(DOMAIN);
        const vt = new Transcript(DOMAIN);
        const r = proveLookup({ srs: SRS, table: inst.table, columns: inst.columns, transcript: pt });
        const claims = verifyLookup({
          table: verifierTable(inst.table),
          lengths: lengthsOf(inst.columns),
          proof: r.proof,
          transcript: vt,
        });
        expect(batchResolves(SRS, r.claims, claims, r.polys, inst.columns, pt, vt), inst.name).to.equal(true);
      }
    });

    it("multiplicities count each table row's uses; helper sums balance up to padding/alpha", () => {
      const inst = INSTANCES[1];
      const m = results[1].polys[0];
      expect(m.reduce((a, b) => a + b, 0n)).to.equal(24n); // 5 + 16 + 3 real entries, padding not counted
      const all = inst.columns.flatMap((c) => c[0]);
      m.forEach((count, y) => expect(count).to.equal(BigInt(all.filter((v) => v === Fr.fromSigned(y - 8)).length)));
    });

    it("the transcript binds the statement: another domain or other lengths give other claims or a rejection", () => {
      const inst = INSTANCES[1];
      expect(() => verify(inst, results[1].proof, new Transcript("other-domain"))).to.throw(LookupError);
      expect(() =>
        verifyLookup({
          table: verifierTable(inst.table),
          lengths: [5, 16, 4],
          proof: results[1].proof,
          transcript: new Transcript(DOMAIN),
        }),
      ).to.throw(LookupError);
    });
  });

  describe("soundness", () => {
    it("the prover refuses a witness entry outside the table, naming column and entry", () => {
      const bad: Instance = { name: "bad", table: RANGE, columns: [[fr([0, 1])], [fr([3, 8, 2])]] };
      expect(() => prove(bad)).to.throw(LookupError, /witness column 1, entry 1 = \(8\) is not a row of the table/);
      const badRelu: Instance = { name: "bad relu", table: RELU, columns: [[fr([-3, 4]), fr([0, 5])]] };
      expect(() => prove(badRelu)).to.throw(LookupError, /witness column 0, entry 1/);
    });

    it("the prover refuses malformed input, naming what is wrong", () => {
      const run = (table: LookupTable, columns: WitnessColumn[], multiplicities?: bigint[]) => () =>
        proveLookup({ srs: SRS, table, columns, transcript: new Transcript(DOMAIN), multiplicities });
      expect(run(RANGE, [])).to.throw(LookupError, /no witness columns/);
      expect(run(RELU, [[fr([1])]])).to.throw(LookupError, /witness column 0 has 1 components, the table 2/);
      expect(run(RELU, [[fr([1, 2]), fr([1])]])).to.throw(LookupError, /component 1 has 1 entries, component 0 2/);
      expect(run(RANGE, [[fr([1])], [[]]])).to.throw(LookupError, /witness column 1 is empty/);
      expect(run(RANGE, [[[Fr.MODULUS]]])).to.throw(RangeError, /witness column 0, component 0, entry 0/);
      expect(run(verifierTable(RELU), [reluColumn(3, "v")])).to.throw(
        LookupError,
        /column 1 is committed but has no values/,
      );
      expect(run(RANGE, [[fr([1])]], [1n])).to.throw(LookupError, /1 multiplicities for a table of 2\^4 rows/);
      expect(() => rangeTable(0, 25)).to.throw(RangeError, /25 variables/);
      expect(() => committedTable(SRS, [[1n, 2n], [3n]])).to.throw(RangeError, /column 1 has 1 rows, column 0 has 2/);
    });

    it("a cheating prover forcing an out-of-table entry through is rejected", () => {
      // 8 is outside [-8, 8); the cheater counts it as row 15 (value 7) and as row 0 (value -8).
      const bad: Instance = { name: "bad", table: RANGE, columns: [[fr([0, 8, -8])]] };
      for (const row of [15, 0]) {
        const m = new Array<bigint>(16).fill(0n);
        m[8]++;
        m[row]++;
        m[0]++;
        const r = prove(bad, m);
        expect(rejected(bad, r.proof, r.polys), `row ${row}`).to.equal(true);
      }
      // An output that is not ReLU of its input (the input is in range): the tuple is not a row.
      const badRelu: Instance = { name: "bad relu", table: RELU, columns: [[fr([-3]), fr([3])]] };
      const m = new Array<bigint>(1024).fill(0n);
      m[512 - 3] = 1n;
      const r = prove(badRelu, m);
      expect(rejected(badRelu, r.proof, r.polys)).to.equal(true);
    });

    it("wrong multiplicities are rejected", () => {
      const inst = INSTANCES[1];
      const m = [...results[1].polys[0]];
      const used = m.findIndex((c) => c > 0n);
      m[used]--;
      m[(used + 1) % 16]++;
      const r = prove(inst, m);
      expect(rejected(inst, r.proof, r.polys)).to.equal(true);
      // Same total but one count too many in the end: also rejected.
      const extra = [...results[1].polys[0]];
      extra[3]++;
      const r2 = prove(inst, extra);
      expect(rejected(inst, r2.proof, r2.polys)).to.equal(true);
    });

    it("alpha equal to a witness or table value fails cleanly (no division by zero)", () => {
      expect(() => shiftedInverses(7n, [1n, 7n, 3n])).to.throw(
        LookupError,
        /alpha equals a witness or table value \(denominator 1\)/,
      );
      expect(shiftedInverses(7n, [1n, 3n]).map((v, i) => Fr.mul(v, Fr.sub(7n, [1n, 3n][i])))).to.deep.equal([1n, 1n]);
    });

    // Every message altered, one at a time, in the instances with committed table columns and tuples.
    for (const n of [1, 2, 3, 4]) {
      it(`${INSTANCES[n].name}: every altered message is rejected`, () => {
        const inst = INSTANCES[n];
        const { proof, polys } = results[n];
        const mutations = tamperings(proof);
        expect(mutations.length).to.be.greaterThan(10);
        for (const [what, bad] of mutations) expect(rejected(inst, bad, polys), what).to.equal(true);
      });
    }

    it("malformed proofs are refused with a LookupError naming the message", () => {
      const inst = INSTANCES[2];
      const p = results[2].proof;
      const cases: [LookupProof, RegExp][] = [
        [{ ...p, witnessSums: [p.witnessSums[0]] }, /1 witness sums, expected 2/],
        [{ ...p, witnessHelpers: [...p.witnessHelpers, G1.BASE] }, /3 witness helper commitments/],
        [{ ...p, tableColumnEvals: [] }, /0 table column evaluations, expected 1/],
        [
          { ...p, witnessColumnEvals: [p.witnessColumnEvals[0], [1n]] },
          /1 evaluations of witness column 1, expected 2/,
        ],
        [{ ...p, tableSum: Fr.MODULUS }, /table sum is not a canonical field element/],
        [{ ...p, multiplicityEval: -1n }, /multiplicity evaluation is not a canonical/],
        [
          { ...p, sumcheck: { rounds: p.sumcheck.rounds.slice(1) } },
          /zero-check: sum-check proof has 9 rounds, expected 10/,
        ],
        [
          { ...p, sumcheck: { rounds: p.sumcheck.rounds.map((r) => r.slice(1)) } },
          /zero-check: sum-check round 0 has 2/,
        ],
      ];
      for (const [bad, msg] of cases) expect(() => verify(inst, bad)).to.throw(LookupError, msg);
      expect(() =>
        verifyLookup({
          table: verifierTable(inst.table),
          lengths: [7, 2 ** 40 + 1],
          proof: p,
          transcript: new Transcript(DOMAIN),
        }),
      ).to.throw(LookupError, /witness column 1 has length 1099511627777/);
      expect(() =>
        verifyLookup({
          table: { numVars: 25, columns: RANGE.columns },
          lengths: [7, 100],
          proof: p,
          transcript: new Transcript(DOMAIN),
        }),
      ).to.throw(LookupError, /table has 25 variables/);
      const offCurve = new G1(1n, 3n, 1n);
      expect(() => verify(inst, { ...p, tableHelper: offCurve })).to.throw(
        LookupError,
        /table helper commitment is not a point/,
      );
    });
  });
});

/** Every message of the proof altered once: commitments moved by G, scalars incremented. */
function tamperings(p: LookupProof): [string, LookupProof][] {
  const inc = (x: bigint): bigint => Fr.add(x, 1n);
  const out: [string, LookupProof][] = [];
  out.push(["multiplicity commitment", { ...p, multiplicities: p.multiplicities.add(G1.BASE) }]);
  p.witnessHelpers.forEach((_, i) =>
    out.push([
      `witness helper commitment ${i}`,
      { ...p, witnessHelpers: p.witnessHelpers.map((c, j) => (j === i ? c.add(G1.BASE) : c)) },
    ]),
  );
  out.push(["table helper commitment", { ...p, tableHelper: p.tableHelper.add(G1.BASE) }]);
  p.witnessSums.forEach((_, i) =>
    out.push([`witness sum ${i}`, { ...p, witnessSums: p.witnessSums.map((s, j) => (j === i ? inc(s) : s)) }]),
  );
  out.push(["table sum", { ...p, tableSum: inc(p.tableSum) }]);
  // Balanced sums (both moved together): only the openings at (1/2, ...) can catch this.
  out.push([
    "witness sum 0 and table sum",
    { ...p, witnessSums: p.witnessSums.map((s, j) => (j === 0 ? inc(s) : s)), tableSum: inc(p.tableSum) },
  ]);
  p.sumcheck.rounds.forEach((round, j) =>
    round.forEach((_, c) => {
      const rounds = p.sumcheck.rounds.map((r, jj) => (jj === j ? r.map((v, cc) => (cc === c ? inc(v) : v)) : r));
      out.push([`zero-check round ${j} coefficient ${c}`, { ...p, sumcheck: { rounds } }]);
    }),
  );
  p.witnessHelperEvals.forEach((_, i) =>
    out.push([
      `witness helper evaluation ${i}`,
      { ...p, witnessHelperEvals: p.witnessHelperEvals.map((v, j) => (j === i ? inc(v) : v)) },
    ]),
  );
  p.witnessColumnEvals.forEach((row, i) =>
    row.forEach((_, c) => {
      const evals = p.witnessColumnEvals.map((r, ii) => (ii === i ? r.map((v, cc) => (cc === c ? inc(v) : v)) : r));
      out.push([`witness column ${i} component ${c} evaluation`, { ...p, witnessColumnEvals: evals }]);
    }),
  );
  out.push(["table helper evaluation", { ...p, tableHelperEval: inc(p.tableHelperEval) }]);
  out.push(["multiplicity evaluation", { ...p, multiplicityEval: inc(p.multiplicityEval) }]);
  p.tableColumnEvals.forEach((_, j) =>
    out.push([
      `table column evaluation ${j}`,
      { ...p, tableColumnEvals: p.tableColumnEvals.map((v, jj) => (jj === j ? inc(v) : v)) },
    ]),
  );
  return out;
}

describe("LogUp lookup: adaptive cheaters (only the claims' resolution can catch them)", () => {
  // 9 is outside [-8, 8): the cheater counts it on row 15 (value 7).
  const witness = fr([0, 9, -8, 3, 3]);
  const m = new Array<bigint>(16).fill(0n);
  for (const y of [8, 15, 0, 11, 11]) m[y]++;
  const inst: Instance = { name: "cheat", table: RANGE, columns: [[witness]] };

  it("balanced sums by a false S_g: every verifier check passes, the opening of g at (1/2, ...) is false", () => {
    const { proof, polys } = cheatingProof(SRS, RANGE, witness, m, "tableSum", DOMAIN);
    const claims = verify(inst, proof); // accepted down to claims
    const falseClaims = claims.openings.filter((c) => evaluateMle(polys[c.poly], c.point) !== c.value);
    expect(falseClaims).to.have.length(1);
    expect(falseClaims[0].poly).to.equal(2); // g
    expect(falseClaims[0].point.every((x) => x === HALF)).to.equal(true);
    expect(claimsHold(SRS, claims, polys, inst.columns)).to.equal(false);
  });

  it("balanced sums by a wrong g: the zero-check's true sum is off its claim and the proof is rejected", () => {
    const { proof, polys, zeroCheckSum, zeroCheckClaim } = cheatingProof(SRS, RANGE, witness, m, "tableHelper", DOMAIN);
    expect(zeroCheckSum).to.not.equal(zeroCheckClaim);
    expect(rejected(inst, proof, polys)).to.equal(true);
    expect(() => verify(inst, proof)).to.throw(LookupError, /zero-check's final equation fails/);
  });
});
