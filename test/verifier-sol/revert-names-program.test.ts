import { expect } from "chai";
import { ethers } from "hardhat";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { verifierPlan } from "../../src/prover/graph";
import { modelProgram } from "../../src/compiler/program/model";
import { EXT_OP } from "../../src/compiler/program/extension";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";
import type { ModelVerifier, RevertNamesHarness } from "../../typechain-types";
import { deployRevertNames, programHeaderLength } from "./revert-names";

/**
 * The interpreter's program-bug guards (contracts/verifier/ModelVerifierOps.sol, Machine.sol, ClaimBook.sol,
 * Program.sol, Extension.sol) and the modexp guard, each driven by a crafted program and asserted by its name.
 * Each program is the header of a real model's program (tril: no W, no advice, no arena; 1l_mean: advice slots)
 * followed by crafted instructions, run with that model's honest statement and proof — the compiler never emits
 * them, so each guard turns a compiler bug into a named revert instead of a mis-verification. The first
 * instruction of tril's program is its OUTPUT (tensor 1, the output's claim), reused where a claim is needed.
 */
describe("verifier (Solidity): interpreter program guards revert by name", function () {
  this.timeout(300_000);
  let harness: RevertNamesHarness;
  let lib: ModelVerifier;
  let tril: ProvedModel;
  let header: Uint8Array;
  /** tril's OUTPUT instruction: 0x20, u16 tensor, u8 n, u32 offset, u8 rank, rank × u32 dims. */
  let output: Uint8Array;
  let outputTensor: number;

  const OP = { end: 0x00, constOut: 0x21, take: 0x22, route: 0x23, routeAll: 0x24, arena: 0x2c, input: 0x2d } as const;
  const u16 = (v: number) => [v >> 8, v & 255];
  const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

  before(async function () {
    const deployed = await deployRevertNames();
    harness = deployed.harness;
    lib = (await ethers.getContractAt("ModelVerifier", deployed.libraries.ModelVerifier)) as unknown as ModelVerifier;
    const proved = proveCorpus("tril");
    if (!proved) return this.skip();
    tril = proved;
    const program = modelProgram(verifierPlan(tril.vk, tril.model));
    const h = programHeaderLength(program);
    header = program.subarray(0, h);
    const body = program.subarray(h);
    expect(body[0], "tril's program starts with OUTPUT").to.equal(0x20);
    const rank = body[8];
    output = body.subarray(0, 9 + 4 * rank);
    outputTensor = (body[1] << 8) | body[2];
    // The header and instructions as parsed make the honest program: it accepts the honest proof.
    expect(await verify(program)).to.equal(true);
  });

  /** The interpreter on `program` with tril's honest statement and proof. */
  const verify = (program: Uint8Array, proved: ProvedModel = tril) =>
    harness.verify(program, proved.statement.input, proved.statement.output, proved.statement.prover, proved.proof);
  /** tril's header, then `instructions`. */
  const crafted = (...instructions: (Uint8Array | number[])[]) => Uint8Array.from([...header, ...instructions.flatMap((i) => [...i])]);

  it("ProgramOpUnknown: an opcode the interpreter does not dispatch", async () => {
    // 0x26, the REQUANT of programs before session 8 (the whole requantization in walk order), is retired.
    await expect(verify(crafted([0x26]))).to.be.revertedWithCustomError(lib, "ProgramOpUnknown").withArgs(0x26);
    // 0x2b, the INPUT of programs before session 7 (it took the claims itself), is retired.
    await expect(verify(crafted([0x2b]))).to.be.revertedWithCustomError(lib, "ProgramOpUnknown").withArgs(0x2b);
    const afterLast = Math.max(...Object.values(EXT_OP)) + 1;
    await expect(verify(crafted([afterLast]))).to.be.revertedWithCustomError(lib, "ProgramOpUnknown").withArgs(afterLast);
  });

  it("ProgramTruncated: SKIPEMPTY or a POINTMAP gather past the program's end", async () => {
    // (A plain read past the end yields zeros — END — and is caught when the interpreter finishes.)
    await expect(verify(crafted([0x29, ...u32(1_000)]))).to.be.revertedWithCustomError(lib, "ProgramTruncated");
    await expect(verify(crafted([0x28, 5, 0]))).to.be.revertedWithCustomError(lib, "ProgramTruncated");
  });

  it("RouteCount: ROUTE naming more destinations than the register holds", async () => {
    await expect(verify(crafted([OP.route, 1, 0, ...u16(0)]))).to.be.revertedWithCustomError(lib, "RouteCount").withArgs(1, 0);
    await expect(verify(crafted(output, [OP.take, ...u16(outputTensor), OP.route, 2]))).to.be.revertedWithCustomError(lib, "RouteCount").withArgs(2, 1);
  });

  it("ConstantOutputMismatch: CONSTOUT whose hash is not the output bytes'", async () => {
    const zeroHash = new Array<number>(32).fill(0);
    await expect(verify(crafted([OP.constOut, ...u32(4), ...u32(8), ...zeroHash]))).to.be.revertedWithCustomError(lib, "ConstantOutputMismatch").withArgs(4);
    // The right hash passes the check (and the program then ends with the output's claims untaken: ClaimsLeft).
    const bytes = tril.statement.output.subarray(4, 12);
    const right = [...ethers.getBytes(ethers.keccak256(bytes))];
    await expect(verify(crafted([OP.constOut, ...u32(4), ...u32(8), ...right], [OP.end]))).not.to.be.revertedWithCustomError(lib, "ConstantOutputMismatch");
  });

  it("DestinationUnknown: ROUTEALL of a claim to destination kind 3 (only tensor 0, W 1, A 2 exist)", async () => {
    await expect(verify(crafted(output, [OP.take, ...u16(outputTensor), OP.routeAll, 3, ...u16(0)]))).to.be.revertedWithCustomError(lib, "DestinationUnknown").withArgs(3);
  });

  it("ClaimsLeft: END while a tensor still holds claims", async () => {
    await expect(verify(crafted(output, [OP.end]))).to.be.revertedWithCustomError(lib, "ClaimsLeft").withArgs(outputTensor);
  });

  it("InputClaimMismatch: INPUT checking the output's claim (TAKEn into the register) against the input bytes (tril(x) ≠ x)", async () => {
    const rank = output[8];
    const shape = output.subarray(9, 9 + 4 * rank);
    const input = [OP.take, ...u16(outputTensor), OP.input, ...u16(outputTensor), ...u32(0), rank, ...shape];
    await expect(verify(crafted(output, input))).to.be.revertedWithCustomError(lib, "InputClaimMismatch").withArgs(outputTensor);
  });

  it("ArenaColumnMissing: ARENA naming a witness column of a model without an arena", async () => {
    await expect(verify(crafted([OP.arena, ...u16(0), 0, 0, ...u16(outputTensor)]))).to.be.revertedWithCustomError(lib, "ArenaColumnMissing").withArgs(0);
  });

  it("SlotClaimShape: a claim routed as an opening of an advice slot with another number of variables (1l_batch_norm)", async function () {
    const proved = proveCorpus("1l_batch_norm");
    if (!proved) return this.skip();
    const program = modelProgram(verifierPlan(proved.vk, proved.model));
    const h = programHeaderLength(program);
    // A model with requantizations starts with REQUANTS (their batched zero-check); the claims start after it.
    const body = program.subarray(h + requantsLength(program.subarray(h)));
    // The model's first claim instruction: OUTPUT of its output on tensor t, a claim on 4 variables; POINTMAP then keeps
    // its first coordinate only, and ROUTEALL opens A at an advice slot of other than 1 variable with it.
    expect([body[0], body[3]]).to.deep.equal([0x20, 4]);
    const t = (body[1] << 8) | body[2];
    const slot = adviceSlotNotOf(program, 1);
    expect(slot, "an advice slot of other than 1 variable").to.be.at.least(0);
    const claim = [...body.subarray(0, 9 + 4 * body[8]), OP.take, ...u16(t)];
    const prefix = program.subarray(0, program.length - body.length);
    const routed = (gather: number[]) => Uint8Array.from([...prefix, ...claim, 0x28, gather.length, ...gather, OP.routeAll, 2, ...u16(slot)]);
    await expect(verify(routed([0]), proved)).to.be.revertedWithCustomError(lib, "SlotClaimShape").withArgs(anyValue, slot, 1);
    // A claim with as many coordinates as the slot has variables (the 4 re-gathered, repeated if needed) fits it
    // (and the program then runs on, into other checks).
    const fit = Array.from({ length: adviceSlotVars(program, slot) }, (_, j) => j % 4);
    await expect(verify(routed(fit), proved)).not.to.be.revertedWithCustomError(lib, "SlotClaimShape");
  });

  /** The variable count of advice slot `slot` of a program header. */
  function adviceSlotVars(program: Uint8Array, slot: number): number {
    let at = 1 + 32 + 64 + 256 + 8;
    at += 1 + 16 * program[at] + 4 + 2; // input ranges, record words, tensors
    at += 3 + 5 * ((program[at + 1] << 8) | program[at + 2]); // W slots
    return program[at + 4 + 5 * slot];
  }

  /** The index of the first advice slot of a program header whose variable count is not `n` (-1: none, no advice). */
  function adviceSlotNotOf(program: Uint8Array, n: number): number {
    let at = 1 + 32 + 64 + 256 + 8;
    at += 1 + 16 * program[at] + 4 + 2; // input ranges, record words, tensors
    at += 3 + 5 * ((program[at + 1] << 8) | program[at + 2]); // W slots
    if (program[at++] !== 1) return -1;
    const count = (program[at + 1] << 8) | program[at + 2];
    at += 3;
    for (let i = 0; i < count; i++) if (program[at + 5 * i] !== n) return i;
    return -1;
  }

  it("ExtensionNoFrame: an EXT call to an address without code (no frame comes back)", async () => {
    const section = Uint8Array.from([0, 0, 0, 1, 1, 0, 0, 0, 0]);
    const codeless = ethers.Wallet.createRandom().address;
    // Extension.sol reverts with it from assembly, so only the library's own ABI declares it.
    const extension = await ethers.getContractAt("Extension", await harness.getAddress());
    await expect(harness.extension(codeless, new Uint8Array(64), section)).to.be.revertedWithCustomError(extension, "ExtensionNoFrame");
  });

  // ModexpFailed is on the allow-list of test/contracts/revert-coverage.test.ts: the modexp precompile fails only
  // out of gas, and the 1/64 of the gas EIP-150 leaves the caller then does not pay for the named revert. This test
  // holds that reason: should an EVM change make the revert reachable, it fails and the error leaves the allow-list.
  it("ModexpFailed is unreachable: no gas limit makes Mle.inverse revert by name (every failing limit reverts without data)", async () => {
    expect(await harness.inverseWithGas(3n, 1_000_000n)).to.equal(await harness.inverse(3n));
    // The first gas limit, counting up by 250, at which the inverse succeeds.
    let enough = 1_000;
    for (; enough < 100_000; enough += 250) {
      const ok = await harness.inverseWithGas(3n, BigInt(enough)).then(
        () => true,
        () => false,
      );
      if (ok) break;
    }
    expect(enough).to.be.lessThan(100_000);
    // Every limit from there down to a fraction of the precompile's price, one gas unit at a time.
    expect(await harness.modexpFailingGas(3n, BigInt(enough), BigInt(Math.max(0, enough - 4_000)))).to.equal(0n);
  });
});

/**
 * The byte length of a leading REQUANTS instruction (0 if the program body starts with another), read by its layout
 * in src/compiler/program/model.ts (`requants`): op, count u16, variables u8, column challenges u8, then per
 * requantization five words, eleven header bytes (the 10th the group slots, the 11th the range columns), the slots
 * and columns (u16 each), the indicator (u8 axes, 6 bytes each).
 */
function requantsLength(body: Uint8Array): number {
  if (body[0] !== 0x2e) return 0;
  const count = (body[1] << 8) | body[2];
  let at = 5;
  for (let i = 0; i < count; i++) {
    at += 5 * 32;
    at += 11 + 2 * (body[at + 9] + body[at + 10]);
    at += 1 + 6 * body[at];
  }
  return at;
}
