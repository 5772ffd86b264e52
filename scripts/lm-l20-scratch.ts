import { builtModel, rejection } from "../test/prover/graph-helpers";
import { ropeGraph } from "../test/prover/llama-helpers";
import { compileGraph } from "../src/prover/graph/compile";
import { insecureDevSrs } from "../src/pcs/srs";
import { setupModel } from "../src/prover/setup";
import { parseVerifyingKey, verifyingKeyJson } from "../src/prover/keys";
import { proveInference } from "../src/prover/graph";
import { requiredSrsSize } from "../src/artifacts/setup-dir";
const t0 = Date.now();
const { model, trace } = builtModel(ropeGraph(1024, 128, 8, 6));
const plan = compileGraph(model);
console.log("L", plan.limbBits, "tables", plan.tables.map((t) => t.id).join(" "), "srs", requiredSrsSize(model));
const srs = insecureDevSrs(requiredSrsSize(model));
const setup = setupModel(model, srs);
const vk = parseVerifyingKey(verifyingKeyJson(setup, srs));
const { statement, proof } = proveInference({ setup, model, srs, trace, prover: "0x00000000000000000000000000000000000000a1" });
const p = { model, trace, setup, vk, statement, proof };
console.log("proof", proof.length, "verdict", rejection(p), "ms", Date.now() - t0);
for (const w of [3, 40, 200]) { const bad = proof.slice(); bad[32 * w + 31] ^= 1; console.log("flipped", w, rejection(p, statement, bad).slice(0, 100)); }
