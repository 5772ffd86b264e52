/**
 * The LLM setup chunks its per-proof commitments (src/llm/setup.ts `llmChunkBits`, docs/hyperkzg.md "Chunked
 * commitments"): for stories260K's generation model at C = 32 the chunk width is 2^20 (above every slot of A, M
 * and H), A spans several chunks, and the SRS the setup needs drops to 2^20 powers.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { requiredSrsSize, sizingPlan } from "../../src/artifacts/setup-dir";
import { quantizeGenerator } from "../../src/llm/model";
import { LLM_CHUNK_BITS, llmChunkBits } from "../../src/llm/setup";
import { arenaContext } from "../../src/lookup/arena-protocol";
import { loadLlamaModel } from "../../src/model/gguf/generate";
import { chunkCount } from "../../src/pcs/chunked";
import { chunkedPlanRefusal } from "../../src/prover/graph/chunks";

const STORIES = resolve(__dirname, "../../../shared/models/gguf/stories260K.gguf");

describe("llm: chunked commitments of the generation setup", function () {
  this.timeout(300_000);

  it("stories260K at C = 32: 2^20 chunks above every slot, A in several, SRS 2^20 instead of 2^22", async function () {
    if (!existsSync(STORIES)) return this.skip();
    const { model } = quantizeGenerator(await loadLlamaModel(STORIES), 12, 32);
    const c = llmChunkBits(model);
    expect(c).to.equal(LLM_CHUNK_BITS);
    const plan = { ...sizingPlan(model), chunkBits: c };
    const arena = arenaContext(plan.arena);
    expect(chunkCount(plan.advice!.numVars, c)).to.be.greaterThan(1);
    // Every slot of A, M and H lies in one chunk, so every opening claim moves onto one chunk.
    for (const s of [...plan.advice!.slots, ...arena.mLayout.slots, ...arena.hLayout.slots]) expect(s.numVars, s.name).to.be.at.most(c);
    expect(requiredSrsSize(model)).to.equal(2 ** 22);
    expect(requiredSrsSize(model, c)).to.equal(2 ** 20);
    expect(chunkedPlanRefusal(plan)).to.match(/Solidity verifier does not read/);
  });
});
