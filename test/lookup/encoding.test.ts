import { expect } from "chai";
import * as Fr from "../../src/field/fr";
import {
  decodeLookupProof,
  encodeLookupProof,
  functionTable,
  LookupError,
  lookupProofBytes,
  lookupProofShape,
  proveLookup,
  verifierTable,
  verifyLookup,
} from "../../src/lookup";
import { insecureDevSrs } from "../../src/pcs/srs";
import { Transcript } from "../../src/transcript";
import { fr, randomInts } from "./helpers";

describe("LogUp proof encoding", () => {
  const srs = insecureDevSrs(64);
  const table = functionTable(
    srs,
    -32,
    6,
    (x) => x * x,
    (x) => -x,
  ); // arity 3, two committed columns
  const columns = [11, 4].map((len, i) => {
    const xs = randomInts(len, `enc${i}`, 64).map((v) => BigInt(v - 32));
    return [fr(xs), fr(xs.map((x) => x * x)), fr(xs.map((x) => -x))];
  });
  const lengths = [11, 4];
  const shape = lookupProofShape(table, lengths);
  const { proof } = proveLookup({ srs, table, columns, transcript: new Transcript("enc") });
  const bytes = encodeLookupProof(proof);

  it("has 32·(7 + 4k + k·a + 3·max(n_f, n_t) + c) bytes and round-trips", () => {
    expect(shape).to.deep.equal({ columns: 2, arity: 3, committedColumns: 2, witnessVars: 4, tableVars: 6 });
    expect(bytes.length).to.equal(lookupProofBytes(shape));
    expect(bytes.length).to.equal(32 * (7 + 8 + 6 + 3 * 6 + 2));
    const decoded = decodeLookupProof(bytes, shape);
    expect(decoded).to.deep.equal(proof);
    expect(() =>
      verifyLookup({ table: verifierTable(table), lengths, proof: decoded, transcript: new Transcript("enc") }),
    ).to.not.throw();
  });

  it("the words are the absorbed messages, in order (commitment first, table evaluations last)", () => {
    expect(Fr.fromBytes(bytes, 0)).to.equal(proof.multiplicities.toAffine().x);
    expect(Fr.fromBytes(bytes, bytes.length - 32)).to.equal(proof.tableColumnEvals[1]);
    expect(Fr.fromBytes(bytes, 64 * 4)).to.equal(proof.witnessSums[0]);
  });

  it("refuses a wrong length, a non-canonical word and an invalid point, naming them", () => {
    expect(() => decodeLookupProof(bytes.subarray(1), shape)).to.throw(LookupError, /bytes, expected/);
    const big = Uint8Array.from(bytes);
    big.fill(0xff, 64 * 4, 64 * 4 + 32);
    expect(() => decodeLookupProof(big, shape)).to.throw(LookupError, /witness sum 0 \(byte 256\) is not canonical/);
    const sc = Uint8Array.from(bytes);
    sc.fill(0xff, 64 * 4 + 96, 64 * 4 + 128);
    expect(() => decodeLookupProof(sc, shape)).to.throw(LookupError, /zero-check: .*round 0 coefficient 0/);
    const off = Uint8Array.from(bytes);
    off[63] ^= 1;
    expect(() => decodeLookupProof(off, shape)).to.throw(
      LookupError,
      /multiplicity commitment \(byte 0\) is not a valid G1 point/,
    );
  });
});
