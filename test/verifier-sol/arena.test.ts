import { expect } from "chai";
import { ethers } from "hardhat";
import { G1, type G1Point } from "../../src/curve/bn254";
import * as Fr from "../../src/field/fr";
import {
  ArenaError,
  arenaProofWords,
  arenaShape,
  arenaVerifierShape,
  decodeArenaProof,
  encodeArenaProof,
  proveArena,
  verifyArena,
  type ArenaColumn,
  type ArenaProof,
  type ArenaShape,
  type ArenaTable,
} from "../../src/lookup";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import type { ArenaHarness } from "../../typechain-types";
import { columnFromRows, mainInstance, representativeInstance } from "../lookup/arena-fixtures";

/**
 * The Solidity arena verifier against the TypeScript reference: the same stream (at any byte offset) gives the
 * same transcript state, the same claims and the same end offset; every altered word reverts on-chain as it is
 * rejected in TypeScript; every malformed shape reverts with its named error. Prints the gas of a
 * representative arena (3 tables, 20 columns of 2^10, a 2^16 range table).
 */
describe("verifier (Solidity): LookupArena replays the TypeScript arena verifier", () => {
  const DOMAIN = "test.arena";
  const domainWord = ethers.encodeBytes32String(DOMAIN);
  const srs = insecureDevSrs(1 << 17);
  let harness: ArenaHarness;

  before(async () => {
    harness = (await ethers.deployContract("ArenaHarness")) as unknown as ArenaHarness;
  });

  interface Proved {
    readonly name: string;
    readonly tables: ArenaTable[];
    readonly columns: ArenaColumn[];
    readonly shape: ArenaShape;
    readonly proof: ArenaProof;
  }
  const proveOne = (name: string, tables: ArenaTable[], columns: ArenaColumn[]): Proved => {
    const { proof } = proveArena({ srs, tables, columns, transcript: new Transcript(DOMAIN) });
    return { name, tables, columns, shape: arenaShape(tables, columns), proof: proof! };
  };

  const main = mainInstance();
  const tiny: ArenaTable[] = [
    { id: "one", table: { numVars: 0, columns: [{ kind: "external", values: [5n] }] } },
    { id: "r2", table: { numVars: 2, columns: [{ kind: "range", lo: Fr.fromSigned(-2) }] } },
  ];
  const instances: Proved[] = [
    proveOne("3 tables (2^16 range, 2-column, 1-column external), 6 columns of 2^0..2^10", main.tables, main.columns),
    proveOne("0-variable column into a 0-variable table, 3-variable range column", tiny, [
      { table: "one", numVars: 0, components: [[5n]] },
      columnFromRows(tiny[1], 3, "tiny"),
    ]),
    proveOne("one table, one entry (N = 0, no rounds)", [tiny[0]], [{ table: "one", numVars: 0, components: [[5n]] }]),
  ];

  const toWords = (bytes: Uint8Array): bigint[] =>
    Array.from({ length: bytes.length / 32 }, (_, i) =>
      BigInt(`0x${Buffer.from(bytes.subarray(32 * i, 32 * i + 32)).toString("hex")}`),
    );
  const toBytes = (words: readonly bigint[]): Uint8Array =>
    Uint8Array.from(Buffer.concat(words.map((x) => Buffer.from(x.toString(16).padStart(64, "0"), "hex"))));
  const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

  /** The TypeScript verifier's result laid out as LookupArena.Claims. */
  function reference(shape: ArenaShape, proof: ArenaProof | null, offset: number) {
    const transcript = new Transcript(DOMAIN);
    const c = verifyArena({ shape, proof, transcript });
    const point = (p: G1Point | undefined) => (p && !p.equals(G1.ZERO) ? [p.toAffine().x, p.toAffine().y] : [0n, 0n]);
    return {
      state: transcript.stateHex,
      next: BigInt(offset + 32 * arenaProofWords(shape)),
      commitments: c.commitments ? [...point(c.commitments.M), ...point(c.commitments.H)] : [0n, 0n, 0n, 0n],
      point: [...c.point],
      columnValues: c.columns.flatMap((x) => x.values),
      tableColumnValues: c.tableColumns.map((x) => x.value),
      openings: c.openings.flatMap((o) => [o.poly === "M" ? 0n : 1n, BigInt(o.point.length), ...o.point, o.value]),
    };
  }

  async function onChain(shape: ArenaShape, stream: Uint8Array, offset: number) {
    const r = await harness.arenaVerify(domainWord, arenaVerifierShape(shape), hex(stream), offset);
    return {
      state: r.state,
      next: r.next,
      commitments: r.commitments.map(BigInt),
      point: r.point.map(BigInt),
      columnValues: r.columnValues.map(BigInt),
      tableColumnValues: r.tableColumnValues.map(BigInt),
      openings: r.openings.map(BigInt),
    };
  }

  /** The proof inside a longer stream: `offset` bytes before it, 5 after. */
  const embedded = (proof: ArenaProof, offset: number) => {
    const bytes = encodeArenaProof(proof);
    const stream = new Uint8Array(offset + bytes.length + 5).fill(0xab);
    stream.set(bytes, offset);
    return stream;
  };

  instances.forEach((inst) => {
    it(`completeness: ${inst.name}: same state, claims and end offset as TypeScript`, async () => {
      for (const offset of [0, 37]) {
        const expected = reference(inst.shape, inst.proof, offset);
        expect(await onChain(inst.shape, embedded(inst.proof, offset), offset)).to.deep.equal(expected);
      }
    });
  });

  it("a skipped arena (no witness columns) reads and absorbs nothing", async () => {
    const shape = arenaShape(main.tables, []);
    const expected = reference(shape, null, 9);
    expect(expected.state).to.equal(new Transcript(DOMAIN).stateHex);
    expect(await onChain(shape, new Uint8Array(12), 9)).to.deep.equal(expected);
  });

  it("soundness: every altered proof word is rejected in TypeScript and reverts on-chain (ArenaZeroCheck)", async () => {
    const inst = instances[0];
    const honest = toWords(encodeArenaProof(inst.proof));
    for (let w = 0; w < honest.length; w++) {
      const bad = [...honest];
      if (w < 4) {
        if (w % 2 === 1) continue; // one alteration per point: move it by G (stays on the curve)
        const moved = G1.fromAffine({ x: honest[w], y: honest[w + 1] }).add(G1.BASE).toAffine();
        [bad[w], bad[w + 1]] = [moved.x, moved.y];
      } else {
        bad[w] = Fr.add(bad[w], 1n);
      }
      const stream = toBytes(bad);
      const decoded = decodeArenaProof(stream, inst.shape).proof;
      expect(() => verifyArena({ shape: inst.shape, proof: decoded, transcript: new Transcript(DOMAIN) }), `word ${w}`).to.throw(
        ArenaError,
        /final equation/,
      );
      await expect(
        harness.arenaVerify(domainWord, arenaVerifierShape(inst.shape), hex(stream), 0),
        `word ${w}`,
      ).to.be.revertedWithCustomError(harness, "ArenaZeroCheck");
    }
  });

  it("soundness: a cheating prover (entry outside its table, honest multiplicities) is rejected on both sides", async () => {
    const { tables, columns, shape } = instances[0];
    const bad = columns.map((c, i) => (i === 0 ? { ...c, components: [c.components[0].map((v, x) => (x === 0 ? 1n << 20n : v))] } : c));
    const m = new Map(tables.map((t) => [t.id, new Array<bigint>(2 ** t.table.numVars).fill(0n)]));
    const cheat = proveArena({ srs, tables, columns: bad, transcript: new Transcript(DOMAIN), unsafeMultiplicities: m });
    expect(() => verifyArena({ shape, proof: cheat.proof, transcript: new Transcript(DOMAIN) })).to.throw(ArenaError);
    await expect(
      harness.arenaVerify(domainWord, arenaVerifierShape(shape), hex(encodeArenaProof(cheat.proof)), 0),
    ).to.be.revertedWithCustomError(harness, "ArenaZeroCheck");
  });

  it("an altered external value of a table no column uses is accepted on both sides with the same false claim", async () => {
    const unused: ArenaTable = { id: "unused", table: { numVars: 1, columns: [{ kind: "external", values: [3n, 4n] }] } };
    const tables = [tiny[0], unused];
    const columns: ArenaColumn[] = [{ table: "one", numVars: 1, components: [[5n, 5n]] }];
    const inst = proveOne("unused table", tables, columns);
    const words = toWords(encodeArenaProof(inst.proof));
    words[words.length - 1] = Fr.add(words[words.length - 1], 1n); // t_{unused,0}(ρ): multiplied by g ≡ 0
    const stream = toBytes(words);
    const expected = reference(inst.shape, decodeArenaProof(stream, inst.shape).proof, 0);
    expect(await onChain(inst.shape, stream, 0)).to.deep.equal(expected);
    const truth = reference(inst.shape, inst.proof, 0);
    expect(expected.tableColumnValues).to.not.deep.equal(truth.tableColumnValues); // the caller's W opening fails
  });

  it("reverts with named errors: shape, slots, truncation, non-canonical words", async () => {
    const inst = instances[1];
    const s = arenaVerifierShape(inst.shape);
    const stream = encodeArenaProof(inst.proof);
    const call = (shape: typeof s, bytes = stream, offset = 0) =>
      harness.arenaVerify(domainWord, shape, hex(bytes), offset);
    const withTable = (t: number, patch: Partial<(typeof s.tables)[number]>) => ({
      ...s,
      tables: s.tables.map((x, j) => (j === t ? { ...x, ...patch } : x)),
    });
    const withColumn = (i: number, patch: Partial<(typeof s.columns)[number]>) => ({
      ...s,
      columns: s.columns.map((x, j) => (j === i ? { ...x, ...patch } : x)),
    });
    await expect(call(withTable(1, { columns: [] })))
      .to.be.revertedWithCustomError(harness, "ArenaTableColumns")
      .withArgs(1, 0);
    await expect(call(withTable(1, { columns: [0n] })))
      .to.be.revertedWithCustomError(harness, "ArenaTableColumns")
      .withArgs(1, 1);
    await expect(call(withTable(0, { numVars: 25 })))
      .to.be.revertedWithCustomError(harness, "ArenaTableVars")
      .withArgs(0, 25);
    await expect(call(withTable(1, { columns: [2n, 0n] })))
      .to.be.revertedWithCustomError(harness, "ArenaColumnKind")
      .withArgs(1, 0, 2);
    await expect(call(withTable(1, { columns: [0n, Fr.MODULUS] })))
      .to.be.revertedWithCustomError(harness, "ArenaColumnKind")
      .withArgs(1, 0, 0);
    await expect(call(withColumn(1, { table: 2 })))
      .to.be.revertedWithCustomError(harness, "ArenaColumnTable")
      .withArgs(1, 2);
    await expect(call(withColumn(1, { numVars: 33 })))
      .to.be.revertedWithCustomError(harness, "ArenaColumnVars")
      .withArgs(1, 33);
    await expect(call({ ...s, numVars: s.numVars + 1 }))
      .to.be.revertedWithCustomError(harness, "ArenaNumVars")
      .withArgs(s.numVars + 1, s.numVars);
    await expect(call(withTable(0, { mSlot: 2 ** s.mVars })))
      .to.be.revertedWithCustomError(harness, "ArenaSlot")
      .withArgs(0, 2 ** s.mVars, 0);
    await expect(call(withColumn(1, { hSlot: 2 })))
      .to.be.revertedWithCustomError(harness, "ArenaSlot")
      .withArgs(1, 2, 3);
    await expect(call({ ...s, hVars: 2 })) // table 0's g slot no longer fits
      .to.be.revertedWithCustomError(harness, "ArenaSlot")
      .withArgs(1, s.tables[0].hSlot, 0);
    await expect(call(s, stream.subarray(0, stream.length - 1)))
      .to.be.revertedWithCustomError(harness, "ArenaProofTruncated")
      .withArgs(0, stream.length, stream.length - 1);
    await expect(call(s, stream, stream.length + 1))
      .to.be.revertedWithCustomError(harness, "ArenaProofTruncated")
      .withArgs(stream.length + 1, stream.length, stream.length);
    const words = toWords(stream);
    const lastEval = [...words];
    lastEval[words.length - 1] += Fr.MODULUS;
    await expect(call(s, toBytes(lastEval))).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
    const round = [...words];
    round[4] += Fr.MODULUS;
    await expect(call(s, toBytes(round))).to.be.revertedWithCustomError(harness, "FieldElementNotCanonical");
  });

  it("gas: the representative arena (3 tables, 20 columns of 2^10, a 2^16 range table)", async () => {
    const rep = representativeInstance();
    const inst = proveOne("representative", rep.tables, rep.columns);
    const stream = encodeArenaProof(inst.proof);
    const expected = reference(inst.shape, inst.proof, 0);
    expect(await onChain(inst.shape, stream, 0)).to.deep.equal(expected);
    const shape = arenaVerifierShape(inst.shape);
    const execution = await harness.arenaVerifyGas(domainWord, shape, hex(stream), 0);
    const tx = await harness.arenaVerify.estimateGas(domainWord, shape, hex(stream), 0);
    const zeros = stream.filter((b) => b === 0).length;
    const calldata = 16 * (stream.length - zeros) + 4 * zeros;
    console.log(
      `      arena (T = 3, k = 20, N = 16): ${stream.length / 32} words (${stream.length} B, ${calldata} calldata gas); ` +
        `LookupArena.verify execution ${execution} gas; whole harness tx ${tx} gas (incl. 21k base and the shape as ABI calldata)`,
    );
    expect(stream.length / 32).to.equal(105);
    // Regression guards, not timings (values at the time of writing are printed above).
    expect(execution).to.be.lessThan(130_000n); // 112,567 at the time of writing
    expect(execution + BigInt(calldata)).to.be.lessThan(185_000n);
  });
});
