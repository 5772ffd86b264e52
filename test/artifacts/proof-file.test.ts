import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProofFileError } from "../../src/artifacts/errors";
import {
  MAX_PROOF_FILE_BYTES,
  MAX_PROOF_JSON_BYTES,
  PROOF_FILE_VERSION,
  PROOF_FILE_VERSION_GENERATION,
  PROOF_HEADER_BYTES,
  decodeProofFile,
  encodeProofFile,
  parseProofFileJson,
  proofFileJson,
  readProofFile,
  writeProofFile,
  type ProofFileContents,
} from "../../src/artifacts/proof-file";

const SAMPLE: ProofFileContents = {
  digest: `0x${"ab".repeat(32)}`,
  prover: `0x${"12".repeat(20)}`,
  input: Uint8Array.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]),
  output: Uint8Array.from([0, 0, 0, 7]),
  proof: Uint8Array.from({ length: 96 }, (_, i) => i),
};

function expectError(fn: () => unknown, pattern: RegExp): void {
  expect(fn).to.throw(ProofFileError, pattern);
}

function same(a: ProofFileContents, b: ProofFileContents): void {
  expect(a.digest).to.equal(b.digest);
  expect(a.prover).to.equal(b.prover);
  expect(Buffer.from(a.input).equals(Buffer.from(b.input))).to.equal(true);
  expect(Buffer.from(a.output).equals(Buffer.from(b.output))).to.equal(true);
  expect(Buffer.from(a.proof).equals(Buffer.from(b.proof))).to.equal(true);
}

describe("artifacts: proof file", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "deepprove-proof-file-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("binary container", () => {
    it("lays out magic, version, digest, prover and three length-prefixed fields, big-endian", () => {
      const bytes = encodeProofFile(SAMPLE);
      expect(Buffer.from(bytes.subarray(0, 4)).toString("ascii")).to.equal("DPRV");
      expect((bytes[4] << 8) | bytes[5]).to.equal(PROOF_FILE_VERSION);
      expect(Buffer.from(bytes.subarray(6, 38)).toString("hex")).to.equal("ab".repeat(32));
      expect(Buffer.from(bytes.subarray(38, 58)).toString("hex")).to.equal("12".repeat(20));
      expect(Buffer.from(bytes.subarray(58, 62)).toString("hex")).to.equal("00000008");
      expect(bytes.length).to.equal(PROOF_HEADER_BYTES + 12 + 8 + 4 + 96);
      same(decodeProofFile(bytes), SAMPLE);
    });

    it("round-trips any well-formed contents", () => {
      const words = (max: number, unit: number) => fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: n * unit, maxLength: n * unit }));
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), words(20, 4), words(20, 4), fc.integer({ min: 1, max: 8 }).chain((n) => fc.uint8Array({ minLength: 32 * n, maxLength: 32 * n })), (d, p, input, output, proof) => {
          const c: ProofFileContents = { digest: `0x${Buffer.from(d).toString("hex")}`, prover: `0x${Buffer.from(p).toString("hex")}`, input, output, proof };
          same(decodeProofFile(encodeProofFile(c)), c);
          same(parseProofFileJson(JSON.stringify(proofFileJson(c))), c);
        }),
        { numRuns: 50 },
      );
    });

    it("refuses every truncation with the byte offset and the field being read", () => {
      const bytes = encodeProofFile(SAMPLE);
      for (let n = 0; n < bytes.length; n++) expectError(() => decodeProofFile(bytes.subarray(0, n), "p.bin"), /^p\.bin: truncated/);
      expectError(() => decodeProofFile(bytes.subarray(0, 10)), /while reading digest/);
      expectError(() => decodeProofFile(bytes.subarray(0, bytes.length - 1)), /proof declares 96 bytes/);
    });

    it("refuses trailing bytes", () => {
      const bytes = encodeProofFile(SAMPLE);
      expectError(() => decodeProofFile(Uint8Array.from([...bytes, 0])), /1 trailing byte/);
    });

    it("refuses another magic and another version", () => {
      const bytes = encodeProofFile(SAMPLE);
      const magic = Uint8Array.from(bytes);
      magic[0] = 0x7f;
      expectError(() => decodeProofFile(magic), /not a deepprove proof file/);
      const version = Uint8Array.from(bytes);
      version[5] = PROOF_FILE_VERSION_GENERATION + 1;
      expectError(() => decodeProofFile(version), new RegExp(`version ${PROOF_FILE_VERSION_GENERATION + 1} is not supported`));
    });

    it("refuses a length field larger than the file", () => {
      const bytes = Uint8Array.from(encodeProofFile(SAMPLE));
      bytes.set([0xff, 0xff, 0xff, 0xff], PROOF_HEADER_BYTES);
      expectError(() => decodeProofFile(bytes), /input declares 4294967295 bytes/);
    });

    it("keeps packed values of any length, refuses misaligned proof words and an empty proof", () => {
      // The statement's widths are the model's (1, 2 or 4 bytes a value): the container checks no alignment.
      const odd = { ...SAMPLE, input: Uint8Array.of(1, 2, 3), output: Uint8Array.of(0xff, 0, 1, 2, 3) };
      expect(decodeProofFile(encodeProofFile(odd))).to.deep.equal(odd);
      expectError(() => encodeProofFile({ ...SAMPLE, proof: new Uint8Array(33) }), /proof stream has 33 bytes/);
      expectError(() => encodeProofFile({ ...SAMPLE, proof: new Uint8Array(0) }), /proof stream is empty/);
      expectError(() => encodeProofFile({ ...SAMPLE, digest: "0x12" }), /field "digest" must be 0x followed by 64 hex digits/);
      expectError(() => encodeProofFile({ ...SAMPLE, prover: "0xzz" }), /field "prover"/);
    });
  });

  describe("JSON form", () => {
    it("carries the same bytes as hex, and decoded outputs that are never read back", () => {
      const json = proofFileJson(SAMPLE, [{ name: "y", shape: [1], scale: 2, values: [7], dequantized: [3.5] }]) as Record<string, unknown>;
      expect(json).to.include({ format: "deepprove-proof", version: PROOF_FILE_VERSION, input: "0x00000001fffffffe", output: "0x00000007" });
      same(parseProofFileJson(JSON.stringify(json)), SAMPLE);
    });

    it("refuses malformed JSON, unknown fields, another format or version, bad hex", () => {
      const good = proofFileJson(SAMPLE) as Record<string, unknown>;
      const text = (o: object) => JSON.stringify(o);
      expectError(() => parseProofFileJson("{", "p.json"), /^p\.json: not valid JSON/);
      expectError(() => parseProofFileJson("[]"), /not a JSON object/);
      expectError(() => parseProofFileJson(text({ ...good, extra: 1 })), /unknown field "extra"/);
      expectError(() => parseProofFileJson(text({ ...good, format: "other" })), /format is "other"/);
      expectError(() => parseProofFileJson(text({ ...good, version: 3 })), /version 3 is not supported/);
      expectError(() => parseProofFileJson(text({ ...good, proof: "0x123" })), /field "proof" must be 0x followed by an even number/);
      expectError(() => parseProofFileJson(text({ ...good, input: 5 })), /field "input"/);
      expectError(() => parseProofFileJson(text({ ...good, digest: undefined })), /field "digest"/);
    });
  });

  describe("files", () => {
    it("writes and reads both forms, detecting the form from the first bytes", () => {
      const bin = join(dir, "p.bin");
      const json = join(dir, "p.json");
      writeProofFile(bin, SAMPLE);
      writeProofFile(json, SAMPLE, { form: "json" });
      const a = readProofFile(bin);
      const b = readProofFile(json);
      expect(a.form).to.equal("binary");
      expect(b.form).to.equal("json");
      same(a, SAMPLE);
      same(b, SAMPLE);
      expect(readFileSync(json, "utf8")).to.match(/^\{\n "format": "deepprove-proof"/);
    });

    it("refuses a missing file, a directory and an oversized file before reading it", () => {
      expectError(() => readProofFile(join(dir, "none")), /none: cannot open \(ENOENT\)/);
      expectError(() => readProofFile(dir), /not a regular file/);
      const big = join(dir, "big.bin");
      writeFileSync(big, "DPRV");
      truncateSync(big, MAX_PROOF_FILE_BYTES + 1); // sparse: costs no disk
      expectError(() => readProofFile(big), new RegExp(`${MAX_PROOF_FILE_BYTES + 1} bytes exceeds the maximum binary proof file size`));
      const bigJson = join(dir, "big.json");
      writeFileSync(bigJson, "{");
      truncateSync(bigJson, MAX_PROOF_JSON_BYTES + 1);
      expectError(() => readProofFile(bigJson), /exceeds the maximum json proof file size/);
    });

    it("names the file when its content is malformed", () => {
      const bad = join(dir, "bad.bin");
      writeFileSync(bad, "DPRV");
      expectError(() => readProofFile(bad), new RegExp(`${bad.replace(/[.]/g, "\\.")}: truncated`));
    });
  });
});
