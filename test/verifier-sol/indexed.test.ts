import { expect } from "chai";
import { ethers } from "hardhat";
import { Interface } from "ethers";
import { importOnnx, quantizeGraph, quantizeInputs, runInteger, type Tensor } from "../../src/model";
import { DEFAULT_BITS } from "../../src/model/defaults";
import { proveInference, verifierPlan, type InferenceStatement, type VerifierPlan } from "../../src/prover/graph";
import { compileGraph } from "../../src/prover/graph/compile";
import { modelProgram } from "../../src/compiler/program/model";
import { EXT_OP } from "../../src/compiler/program/extension";
import { INDEXED_OP } from "../../src/compiler/program/indexed";
import type { ExactDivNodeStep } from "../../src/prover/graph/nodes/exact-div";
import type { RuntimeScatterNodeStep } from "../../src/prover/graph/nodes/scatter-runtime";
import { builtModel, graphSrs, proveCorpus, proveModel, PROVER, rejection, tamperedOutput, type ProvedModel } from "../prover/graph-helpers";
import { writeModel } from "../model/helpers/harness";
import type { GraphSpec } from "../model/helpers/onnx-builder";
import { SMALL_SCATTER, SMALL_TOPK, SMALL_WHERE, WHERE_GRAPH } from "../prover/indexed-graphs";
import type { ModelVerifierIndexed, SweepHarness } from "../../typechain-types";
import { deployInterpreter } from "./interpreter";
import { solAccepts, tsAccepts } from "./verdicts";
import { sweepEveryWord } from "./sweep";
import { packedValue, withPackedValue } from "./packed-values";

/**
 * The indexed kinds on-chain (contracts/verifier/ModelVerifierIndexed.sol: ExactDivStep, WhereRuntimeStep, TopKStep,
 * ScatterRuntimeStep) against the TypeScript reference verifier (`executePlan`):
 * - the corpus models they unlock (`integer_div`, `bitshift`, `1l_where`, `scatter_nd`, `scatter_elements`,
 *   `1l_topk`), one-node built graphs and richer ones (a runtime Where with rescaled, broadcast and constant operands;
 *   a rescaled float scatter and one into a carried non-zero constant; TopK largest / smallest, rank 1 and 2, float
 *   and integer, with ties): the honest proof is accepted by both (gas printed);
 * - on a one-node graph per kind (and `scatter_nd`: a carried constant operand), EVERY 32-byte word of the proof
 *   flipped (its lowest bit) is rejected by both — all words, batched through SweepHarness (./sweep.ts);
 * - dishonest outputs proved through the driver's unsafe witness hook are refused by the prover or rejected by both;
 * - a word the TypeScript verifier rejects with a given check's reason reverts on-chain with that check's custom
 *   error, by name; programs the generator could not have written revert with the library's program errors.
 */
describe("verifier (Solidity): indexed kinds (exact Div, runtime Where, TopK, runtime Scatter)", function () {
  this.timeout(600_000);
  let harness: SweepHarness;
  let indexed: ModelVerifierIndexed;
  let errors: Interface;

  before(async () => {
    const at = await deployInterpreter();
    indexed = (await ethers.getContractAt("ModelVerifierIndexed", at.ModelVerifierIndexed)) as unknown as ModelVerifierIndexed;
    harness = (await ethers.deployContract("SweepHarness", { libraries: { ModelVerifier: at.ModelVerifier } })) as unknown as SweepHarness;
    const names = ["ExactDivStep", "WhereRuntimeStep", "TopKStep", "ScatterRuntimeStep", "Elementwise", "ModelVerifierIndexed"];
    const abis = await Promise.all(names.map(async (n) => (await ethers.getContractFactory(n)).interface.fragments));
    errors = new Interface(abis.flat().filter((f) => f.type === "error"));
  });

  /** Both verdicts on a statement and proof: [TypeScript, Solidity]. */
  const verdicts = async (c: Compiled, statement: InferenceStatement, proof: Uint8Array) => [tsAccepts(c.plan, statement, proof), await solAccepts(harness, c.program, statement, proof)];

  /** The custom error the interpreter reverts with (its name), or "accepted". */
  async function solError(program: Uint8Array, st: InferenceStatement, proof: Uint8Array): Promise<string> {
    try {
      await harness.verify.staticCall(program, st.input, st.output, st.prover, proof);
      return "accepted";
    } catch (e) {
      const data = (e as { data?: string }).data;
      return (data && errors.parseError(data)?.name) ?? `unnamed revert: ${String(e).slice(0, 120)}`;
    }
  }

  /** The first proof word whose flip the TypeScript verifier rejects for `reason`; both verdicts on it. */
  async function flippedFor(c: Compiled, reason: RegExp): Promise<string> {
    const { proved } = c;
    for (let word = 0; word < proved.proof.length / 32; word++) {
      const bad = proved.proof.slice();
      bad[32 * word + 31] ^= 1;
      if (reason.test(rejection(proved, proved.statement, bad))) return solError(c.program, proved.statement, bad);
    }
    throw new RangeError(`no word of the proof is rejected for ${reason}`);
  }

  const cases: { name: string; handlers: string[]; sweep: boolean; prove: () => ProvedModel | undefined }[] = [
    { name: "one-node integer Div", handlers: ["exact-div"], sweep: true, prove: () => fixed(SMALL_DIV) },
    { name: "one-node runtime Where", handlers: ["where-runtime"], sweep: true, prove: () => fixed(SMALL_WHERE) },
    { name: "one-node TopK", handlers: ["topk"], sweep: true, prove: () => fixed(SMALL_TOPK) },
    { name: "one-node runtime ScatterElements", handlers: ["scatter-runtime"], sweep: true, prove: () => fixed(SMALL_SCATTER) },
    { name: "scatter_nd (carried constant data)", handlers: ["scatter-runtime", "logic"], sweep: true, prove: () => proveCorpus("scatter_nd") },
    { name: "Where: rescaled, broadcast and constant operands", handlers: ["where-runtime", "compare", "requant"], sweep: false, prove: () => seeded(WHERE_GRAPH) },
    { name: "Scatter: rescaled float, integer into a carried non-zero constant", handlers: ["scatter-runtime"], sweep: false, prove: () => fixed(SCATTER_GRAPH) },
    { name: "TopK: largest / smallest with ties, rank 1 and 2, float and integer", handlers: ["topk"], sweep: false, prove: () => fixed(TOPK_GRAPH) },
    { name: "integer_div", handlers: ["exact-div", "logic"], sweep: false, prove: () => proveCorpus("integer_div") },
    { name: "bitshift", handlers: ["exact-div", "exact"], sweep: false, prove: () => proveCorpus("bitshift") },
    { name: "1l_where", handlers: ["where-runtime", "logic", "compare", "requant"], sweep: false, prove: () => proveCorpus("1l_where") },
    { name: "scatter_elements (rescaled updates)", handlers: ["scatter-runtime"], sweep: false, prove: () => proveCorpus("scatter_elements") },
    { name: "1l_topk", handlers: ["topk", "exact"], sweep: false, prove: () => proveCorpus("1l_topk") },
  ];

  const proofs = new Map<string, Compiled>();
  const compiledCase = (name: string): Compiled | undefined => {
    if (!proofs.has(name)) {
      const c = compiled(cases.find((x) => x.name === name)!.prove());
      if (c) proofs.set(name, c);
    }
    return proofs.get(name);
  };

  for (const c of cases) {
    describe(c.name, function () {
      let m: Compiled | undefined;
      before(function () {
        m = compiledCase(c.name);
        if (!m) this.skip();
      });

      it("the honest proof is accepted by both; gas reported", async function () {
        const { statement, proof } = m!.proved;
        expect([...new Set(m!.plan.nodes.map((s) => s.handler))].sort()).to.deep.equal([...c.handlers].sort());
        expect(await verdicts(m!, statement, proof)).to.deep.equal([true, true]);
        const gas = await harness.verify.estimateGas(m!.program, statement.input, statement.output, statement.prover, proof);
        console.log(`      ${c.name}: proof ${proof.length} bytes, program ${m!.program.length} bytes, harness call ${gas} gas`);
      });

      if (c.sweep) {
        it("EVERY proof word flipped is rejected by both", async function () {
          const { statement, proof } = m!.proved;
          const gas = await harness.verify.estimateGas(m!.program, statement.input, statement.output, statement.prover, proof);
          const r = await sweepEveryWord(harness, m!.plan, m!.program, statement, proof, gas);
          expect(r.controlAccepted, "the unflipped proof inside the sweep").to.equal(true);
          expect(r.tsAccepted, "words TypeScript accepted").to.deep.equal([]);
          expect(r.solAccepted, "words Solidity accepted").to.deep.equal([]);
        });
      }
    });
  }

  describe("dishonest traces (the driver's unsafe witness hook)", function () {
    // The node's (first) output + 1 at two entries. The hook commits whatever witness the lie needs: for the
    // integer Div (the quotient's limbs are committed) it yields a proof, which both verifiers must reject; for the
    // others the prover's own IOPs are left with a false claim and refuse, so the lie that reaches a verifier is
    // the statement's — the honest proof with that output entry changed — which both must reject.
    for (const [name, proves] of [
      ["one-node integer Div", true],
      ["one-node runtime Where", false],
      ["one-node TopK", false],
      ["one-node runtime ScatterElements", false],
    ] as const) {
      it(`${name}: a dishonest output is ${proves ? "proved and rejected by both" : "refused by the prover; stated, rejected by both"}`, async function () {
        const m = compiledCase(name)!;
        const { statement, proof } = m.proved;
        const node = m.proved.model.graph.nodes[0].name;
        for (const at of [1, 4]) {
          const trace = tamperedOutput(m.proved.trace, node, at, (v) => v + 1);
          const run = () => proveInference({ setup: m.proved.setup, model: m.proved.model, srs: graphSrs(), trace, prover: PROVER, unsafeDishonest: true });
          if (proves) {
            const bad = run();
            expect(await verdicts(m, bad.statement, bad.proof), `entry ${at}`).to.deep.equal([false, false]);
            continue;
          }
          expect(run).to.throw(/claim is false|not the sum over the hypercube|linear combination/);
          const output = withPackedValue(statement.output, m.plan.outputs, at, packedValue(statement.output, m.plan.outputs, at) + 1);
          expect(await verdicts(m, { ...statement, output }, proof), `entry ${at}`).to.deep.equal([false, false]);
        }
      });
    }
  });

  describe("each check's custom error, by name", function () {
    const named: [string, RegExp, string][] = [
      ["one-node integer Div", /quotient's limbs do not give the claimed output/, "ExactDivQuotientWrong"],
      ["one-node runtime Where", /product c·a/, "HadamardCheckFailed"],
      ["one-node TopK", /key differences' limbs do not match/, "TopkDeltaWrong"],
      ["one-node TopK", /topk selection: H·\(x \+ λc \+ λ²\)/, "TopkSelectWrong"],
      ["one-node TopK", /topk one-hot: H·/, "TopkOnehotWrong"],
      ["one-node runtime ScatterElements", /D − T⊙D \+ Σ S·U is not the claimed output/, "ScatterPartsWrong"],
      ["one-node runtime ScatterElements", /scatter updates: S·U at the sum-check point/, "ScatterUpdatesWrong"],
      ["one-node runtime ScatterElements", /scatter rows: S·/, "ScatterRowsWrong"],
    ];
    for (const [name, reason, error] of named) {
      it(`${name}: a word rejected for ${reason.source.slice(0, 40)}… reverts with ${error}`, async function () {
        expect(await flippedFor(compiledCase(name)!, reason)).to.equal(error);
      });
    }

    it("integer Div: a program whose divisor is not the proof's → ExactDivRemainderWrong (and the plan's: rejected)", async function () {
      // A flipped limb column fails the arena's own checks first; (R) is reached by a program with |d| one less
      // (R + T = D − 1 of the proof's D, against the program's D − 2).
      const m = compiledCase("one-node integer Div")!;
      const { statement: st, proof } = m.proved;
      const step = m.plan.nodes[0] as ExactDivNodeStep;
      const wrong: ExactDivNodeStep = { ...step, spec: { ...step.spec, divisor: step.spec.divisor + 1n } };
      const plan: VerifierPlan = { ...m.plan, nodes: [wrong] };
      expect(tsAccepts(plan, st, proof)).to.equal(false);
      expect(await solError(modelProgram(plan), st, proof)).to.equal("ExactDivRemainderWrong");
    });

    it("scatter_nd: a program whose carried constant is not the proof's → ScatterConstantWrong (and the plan's: rejected)", async function () {
      const m = compiledCase("scatter_nd (carried constant data)");
      if (!m) return this.skip();
      const { statement: st, proof } = m.proved;
      const changed = (s: RuntimeScatterNodeStep): RuntimeScatterNodeStep => {
        if (s.data.kind !== "constant") throw new RangeError("scatter_nd's data is a carried constant");
        return { ...s, data: { kind: "constant", data: s.data.data.map((v, i) => (i === 0 ? v + 1 : v)) } };
      };
      const plan: VerifierPlan = { ...m.plan, nodes: m.plan.nodes.map((s) => (s.handler === "scatter-runtime" ? changed(s as RuntimeScatterNodeStep) : s)) };
      expect(tsAccepts(plan, st, proof)).to.equal(false);
      expect(await solError(modelProgram(plan), st, proof)).to.equal("ScatterConstantWrong");
    });

    it("an unknown sub-opcode → IndexedOpUnknown; a runtime Where section without its LINEAR → WhereRuntimeProgram", async function () {
      const m = compiledCase("one-node runtime Where")!;
      const { statement: st, proof } = m.proved;
      const ext = extAt(m.program, INDEXED_OP.whereRuntime);
      const unknown = m.program.slice();
      unknown[ext + 5] = 9;
      await expect(harness.verify(unknown, st.input, st.output, st.prover, proof)).to.be.revertedWithCustomError(indexed, "IndexedOpUnknown").withArgs(9);
      const noLinear = m.program.slice();
      noLinear[ext + 6] = 0;
      expect(await solError(noLinear, st, proof)).to.equal("WhereRuntimeProgram");
    });
  });
});

/** A proved model with its plan and program. */
interface Compiled {
  readonly proved: ProvedModel;
  readonly plan: VerifierPlan;
  readonly program: Uint8Array;
}

function compiled(proved: ProvedModel | undefined): Compiled | undefined {
  if (!proved) return undefined;
  const plan = verifierPlan(proved.vk, proved.model);
  return { proved, plan, program: modelProgram(plan) };
}

/** The offset of the first EXT_INDEXED instruction with sub-opcode `op` (0x35, a u32 section length, then op). */
function extAt(program: Uint8Array, op: number): number {
  for (let i = 0; i + 5 < program.length; i++) {
    if (program[i] === EXT_OP.indexed && program[i + 1] === 0 && program[i + 2] === 0 && program[i + 5] === op) return i;
  }
  throw new RangeError("no EXT_INDEXED instruction");
}

/** The handlers ModelVerifierIndexed runs. */
const INDEXED_HANDLERS = ["exact-div", "where-runtime", "topk", "scatter-runtime"];

/** X int64 [2, 6] → trunc(X / −3): negative dividends and divisor, zeros, the int32 extremes. */
const SMALL_DIV: GraphSpec = {
  opset: 13,
  inputs: [{ name: "X", type: "int64", dims: [2, 6] }],
  outputs: [{ name: "Q", type: "int64", dims: [2, 6] }],
  initializers: [{ name: "D", type: "int64", dims: [], values: [-3] }],
  nodes: [{ op: "Div", inputs: ["X", "D"], outputs: ["Q"] }],
};

/** ScatterElements of float V [3, 2] into X [3, 5] at runtime I, then ScatterND of int W [2] into the constant Z [6]. */
const SCATTER_GRAPH: GraphSpec = {
  opset: 16,
  inputs: [
    { name: "XS", dims: [3, 5] },
    { name: "IS", type: "int64", dims: [3, 2] },
    { name: "VS", dims: [3, 2] },
    { name: "JS", type: "int64", dims: [2, 1] },
    { name: "WS", type: "int64", dims: [2] },
  ],
  outputs: [
    { name: "YS", dims: [3, 5] },
    { name: "QS", type: "int64", dims: [6] },
  ],
  initializers: [{ name: "ZS", type: "int64", dims: [6], values: [0, -1, 2, -3, 4, -5] }],
  nodes: [
    { op: "ScatterElements", inputs: ["XS", "IS", "VS"], outputs: ["YS"], attrs: { axis: 1 } },
    { op: "ScatterND", inputs: ["ZS", "JS", "WS"], outputs: ["QS"] },
  ],
};
/** TopK (k = 3) largest and smallest of float XT [3, 5] with ties, and of int YT [6] (k = 4). */
const TOPK_GRAPH: GraphSpec = {
  opset: 13,
  inputs: [
    { name: "XT", dims: [3, 5] },
    { name: "YT", type: "int64", dims: [6] },
  ],
  outputs: [
    { name: "A", dims: [3, 3] },
    { name: "IA", type: "int64", dims: [3, 3] },
    { name: "B", dims: [3, 3] },
    { name: "IB", type: "int64", dims: [3, 3] },
    { name: "CT", type: "int64", dims: [4] },
  ],
  initializers: [
    { name: "K", type: "int64", dims: [1], values: [3] },
    { name: "K4", type: "int64", dims: [1], values: [4] },
  ],
  nodes: [
    { op: "TopK", inputs: ["XT", "K"], outputs: ["A", "IA"] },
    { op: "TopK", inputs: ["XT", "K"], outputs: ["B", "IB"], attrs: { largest: 0 } },
    { op: "TopK", inputs: ["YT", "K4"], outputs: ["CT", "ICT"] },
  ],
};

/** Fixed inputs by name (scatter indices distinct per row; TopK values with a tie); others a pattern. */
const FIXED: Record<string, number[]> = {
  X: [-2147483648, -17, -9, -7, -1, 0, 1, 3, 6, 14, 20, 2147483647],
  C: [1, 0, 0, 1, 1, 1, 0, 0],
  I: [4, 0, 2, 3],
  U: [7, -8, 9, -10],
  D: [1, -2, 3, -4, 5, -6, 7, -8, 9, -10],
  XS: Array.from({ length: 15 }, (_, k) => (k % 7) / 4 - 0.5),
  IS: [4, 0, 1, 2, 3, 4],
  VS: [1.5, -2, 0.75, 3, -1, 2.5],
  JS: [5, 2],
  WS: [40, -7],
  XT: [0.5, -1, 0.5, 2, -1, 1, 1, 1, 1, 1, -2, 0.25, -0.75, 1.5, 0.25],
  YT: [2, 1, 5, 4, 8, 5],
};

/** A built graph quantized, run on its seeded inputs and proved. */
function seeded(spec: GraphSpec): ProvedModel {
  const { model, trace } = builtModel(importOnnx(writeModel(spec)));
  return proveModel(model, trace);
}

/** A graph of the indexed kinds quantized, run on fixed inputs and proved. */
function fixed(spec: GraphSpec): ProvedModel {
  const graph = importOnnx(writeModel(spec));
  const inputs: Tensor[] = graph.inputs.map((info) => {
    const size = info.shape.reduce((p, d) => p * d, 1);
    const pattern = spec === SMALL_TOPK ? [3, -1, 3, 8, 0, 5, 5, -4, 2, 9] : spec === SMALL_WHERE && info.name === "X" ? Array.from({ length: size }, (_, k) => (k % 5) / 2 - 1) : FIXED[info.name];
    return { dtype: info.dtype, shape: info.shape, data: Float64Array.from(pattern.slice(0, size)) };
  });
  const model = quantizeGraph(graph, [inputs], DEFAULT_BITS);
  expect(compileGraph(model).nodes.every((s) => INDEXED_HANDLERS.includes(s.handler))).to.equal(true);
  return proveModel(model, runInteger(model, quantizeInputs(model, inputs)));
}
