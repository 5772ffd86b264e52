/**
 * The proof file's version 2 (a generation proof: version 1's fields + the prompt / generated split),
 * binary and JSON: round trip, exact layout, and refusals (docs/proof-format.md).
 */
import { expect } from "chai";
import { ProofFileError } from "../../src/artifacts/errors";
import { decodeProofFile, encodeProofFile, parseProofFileJson, proofFileJson, PROOF_FILE_VERSION_GENERATION, type ProofFileContents } from "../../src/artifacts/proof-file";

const FILE: ProofFileContents = {
  digest: `0x${"ab".repeat(32)}`,
  prover: `0x${"cd".repeat(20)}`,
  input: Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 7]),
  output: Uint8Array.from([0, 0, 0, 7, 0, 0, 0, 9]),
  proof: new Uint8Array(64).fill(3),
  generation: { promptTokens: 1, generatedTokens: 2 },
};

describe("llm: proof file version 2 (generation split)", () => {
  it("binary: version 2, the generation field after the proof stream, round trip", () => {
    const bytes = encodeProofFile(FILE);
    expect((bytes[4] << 8) | bytes[5]).to.equal(PROOF_FILE_VERSION_GENERATION);
    expect(bytes.length).to.equal(70 + 8 + 8 + 64 + 4 + 8);
    expect(Array.from(bytes.slice(-12))).to.deep.equal([0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(decodeProofFile(bytes)).to.deep.equal(FILE);
    const { generation: _, ...v1 } = FILE;
    void _;
    expect(encodeProofFile(v1)[5]).to.equal(1);
    expect(decodeProofFile(encodeProofFile(v1)).generation).to.equal(undefined);
  });

  it("binary: refuses a truncated or oversized generation field, and version 2 without it", () => {
    const bytes = encodeProofFile(FILE);
    expect(() => decodeProofFile(bytes.slice(0, -1))).to.throw(ProofFileError, /truncated/);
    const wide = Uint8Array.from([...bytes.slice(0, -12), 0, 0, 0, 9, ...bytes.slice(-8), 0]);
    expect(() => decodeProofFile(wide)).to.throw(ProofFileError, /generation field has 9 bytes/);
    const v1 = encodeProofFile({ ...FILE, generation: undefined });
    v1[5] = 2;
    expect(() => decodeProofFile(v1)).to.throw(ProofFileError, /truncated/);
  });

  it("JSON: version 2 with { prompt_tokens, generated_tokens }, round trip and refusals", () => {
    const json = proofFileJson(FILE) as Record<string, unknown>;
    expect(json).to.include({ version: 2 });
    expect(json.generation).to.deep.equal({ prompt_tokens: 1, generated_tokens: 2 });
    expect(parseProofFileJson(JSON.stringify(json))).to.deep.equal(FILE);
    expect(() => parseProofFileJson(JSON.stringify({ ...json, generation: undefined }))).to.throw(ProofFileError, /generation/);
    expect(() => parseProofFileJson(JSON.stringify({ ...json, version: 1 }))).to.throw(ProofFileError, /generation/);
    expect(() => parseProofFileJson(JSON.stringify({ ...json, generation: { prompt_tokens: -1, generated_tokens: 2 } }))).to.throw(ProofFileError, /u32/);
  });
});
