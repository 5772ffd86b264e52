/** Library linking of the deploy script's model step (scripts/lib/deploy-model.ts). */
import { expect } from "chai";
import type { Hex } from "viem";
import { linkBytecode } from "../../src/compiler/compile-verifier";

describe("deploy: linking a generated verifier to its libraries", () => {
  const placeholder = `__$${"ab".repeat(17)}$__`;
  const bytecode = `0x608073${placeholder}ff` as Hex;
  // The placeholder sits at byte 3 (after 0x60 0x80 0x73), 20 bytes long.
  const references = { "verifier/ModelVerifier.sol": { ModelVerifier: [{ start: 3, length: 20 }] } };
  const library = "0x00000000000000000000000000000000000000Aa";

  it("writes each library's address over its placeholders", () => {
    expect(linkBytecode(bytecode, references, { ModelVerifier: library })).to.equal(`0x608073${library.slice(2).toLowerCase()}ff`);
  });

  it("refuses a library that is not deployed, and leftover placeholders", () => {
    expect(() => linkBytecode(bytecode, references, {})).to.throw(/needs library ModelVerifier, which is not deployed/);
    expect(() => linkBytecode(bytecode, {}, { ModelVerifier: library })).to.throw(/unlinked library placeholders/);
  });
});
