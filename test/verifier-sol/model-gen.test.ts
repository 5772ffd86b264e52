import { expect } from "chai";
import { decodeFunctionData } from "viem";
import {
  calldataCost,
  checkStatementSizes,
  registryCalldata,
  REGISTRY_VERIFY_INFERENCE_ABI,
  verifierCalldata,
  VERIFY_INFERENCE_ABI,
} from "../../src/compiler/calldata";
import { modelProgram, UnsupportedStepError } from "../../src/compiler/program/model";
import { contractsImportFor, generateVerifier, VerifierGenError } from "../../src/compiler/verifier-gen";
import { estimateVerifier, TX_GAS_CAP } from "../../src/compiler/verifier-estimate";
import { verifierPlan, type MovementNodeStep, type NodeStep, type VerifierPlan } from "../../src/prover/graph";
import { proveCorpus, type ProvedModel } from "../prover/graph-helpers";

/**
 * The generator's refusals (unsupported steps, the code size limit, the gas cap) and the calldata compiler's
 * encodings (decoded back with viem), on the plan of a corpus model.
 */
describe("compiler: verifier generator and calldata", function () {
  let proved: ProvedModel | undefined;
  let plan: VerifierPlan;

  before(function () {
    proved = proveCorpus("2l_relu_fc");
    if (!proved) this.skip();
    plan = verifierPlan(proved.vk, proved.model);
  });

  const withNodes = (nodes: readonly NodeStep[]): VerifierPlan => ({ ...plan, nodes: [...plan.nodes, ...nodes] });

  it("generates a contract implementing IInferenceVerifier with the program and the digest", function () {
    const out = generateVerifier(plan, { contractName: "Verifier_test" });
    expect(out.source).to.contain("contract Verifier_test is IInferenceVerifier");
    expect(out.source).to.contain(`bytes32 public constant MODEL_DIGEST = ${plan.digest};`);
    expect(out.source).to.contain(Buffer.from(modelProgram(plan)).toString("hex"));
    expect(out.estimate.total).to.be.lessThan(TX_GAS_CAP);
    expect(() => generateVerifier(plan, { contractName: "not a name" })).to.throw(VerifierGenError, /identifier/);
  });

  it("refuses a plan with a step the interpreter does not run, naming the node", function () {
    const step: NodeStep = { node: "sel0", op: "Where", kind: "where", handler: "no-such-step", outputs: ["y"] };
    expect(() => generateVerifier(withNodes([step]))).to.throw(UnsupportedStepError, /node sel0 \(Where\).*"no-such-step"/);
  });

  it("refuses a contract over the code size limit", function () {
    // Reshapes whose selectors list every element (EXPLICIT groups): cheap to verify, large to encode.
    const reshape = (k: number): MovementNodeStep => ({
      node: `r${k}`,
      op: "Reshape",
      kind: "movement",
      handler: "movement",
      outputs: [`r${k}:out`],
      outShape: [100, 60],
      map: { kind: "reindex", layer: { op: "reshape", spec: { x: [60, 100], out: [100, 60] } } },
      inputs: [`r${k}:in`],
      rescale: [null],
    });
    const big = withNodes([reshape(0), reshape(1)]);
    expect(estimateVerifier(big).total).to.be.lessThan(TX_GAS_CAP);
    expect(() => generateVerifier(big)).to.throw(VerifierGenError, /contract size limit/);
  });

  it("refuses a model whose verification would exceed the transaction gas cap", function () {
    const many = withNodes(Array.from({ length: 800 }, () => plan.nodes).flat());
    expect(estimateVerifier(many).total).to.be.greaterThan(TX_GAS_CAP);
    expect(() => generateVerifier(many)).to.throw(VerifierGenError, /16,777,216-gas transaction cap/);
  });

  it("resolves the contracts import relative to the output file", function () {
    expect(contractsImportFor("/a/b/contracts/generated/V.sol", "/a/b/contracts")).to.equal("..");
    expect(contractsImportFor("/a/out/V.sol", "/a/b/contracts")).to.equal("../b/contracts");
    expect(contractsImportFor("/a/b/contracts/V.sol", "/a/b/contracts")).to.equal(".");
  });

  it("encodes verifyInference for the verifier and the registry (decoded back identically)", function () {
    const { statement, proof } = proved!;
    const file = { ...statement, proof };
    const v = decodeFunctionData({ abi: VERIFY_INFERENCE_ABI, data: verifierCalldata(file) });
    expect(v.args).to.deep.equal([`0x${Buffer.from(statement.input).toString("hex")}`, `0x${Buffer.from(statement.output).toString("hex")}`, statement.prover, `0x${Buffer.from(proof).toString("hex")}`]);
    const r = decodeFunctionData({ abi: REGISTRY_VERIFY_INFERENCE_ABI, data: registryCalldata(7n, file) });
    expect(r.args[0]).to.equal(7n);
    expect(r.args[3]).to.equal(`0x${Buffer.from(proof).toString("hex")}`);
    expect(() => registryCalldata(0n, file)).to.throw(RangeError, /model id/);
  });

  it("counts data gas and the EIP-7623 floor; checks the statement sizes", function () {
    const cost = calldataCost(Uint8Array.from([0, 0, 1, 255]));
    expect(cost).to.deep.equal({ bytes: 4, zeroBytes: 2, standardGas: 2 * 4 + 2 * 16, floorGas: 21_000 + 10 * (2 + 4 * 2) });
    const { statement, proof } = proved!;
    const file = { ...statement, proof };
    expect(() => checkStatementSizes(file, { inputBytes: statement.input.length, outputBytes: statement.output.length })).to.not.throw();
    expect(() => checkStatementSizes(file, { inputBytes: statement.input.length + 4, outputBytes: statement.output.length })).to.throw(RangeError, /input: \d+ bytes/);
    expect(() => checkStatementSizes(file, { inputBytes: statement.input.length, outputBytes: 0 })).to.throw(RangeError, /output/);
  });
});
