// Temporary (LO): the same 16-position proof with and without the in-place opening kernels, in one process.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadLlamaModel, promptIds } from "../src/model/gguf/generate";
import { quantizeLlama, sequenceInput } from "../src/model/gguf/llama-quant";
import { runInteger } from "../src/model";
import * as openingKernelsModule from "../src/pcs/opening-kernels";
import { insecureDevSrs } from "../src/pcs/srs";
import { setOpeningStepObserver } from "../src/pcs/opening-steps";
import { proveInference } from "../src/prover/graph";
import { setupModel } from "../src/prover/setup";

async function main(): Promise<void> {
  const positions = Number(process.argv[2] ?? 16);
  const llama = await loadLlamaModel(join(__dirname, "..", "..", "shared", "models", "gguf", "stories260K.gguf"));
  const q = quantizeLlama(llama.cfg, llama.weights, 12, positions, llama.tokenizer.bos, positions);
  const trace = runInteger(q.model, [sequenceInput(q, promptIds(llama, "Once upon a time"))]);
  const srs = insecureDevSrs(2 ** Number(process.argv[3] ?? 21));
  const setup = setupModel(q.model, srs);
  const original = openingKernelsModule.openingKernels;
  for (const mode of (process.argv[4] ?? "in-place,copying,in-place").split(",")) {
    (openingKernelsModule as { openingKernels: typeof original }).openingKernels = mode === "copying" ? () => undefined : original;
    const steps = new Map<string, { cpu: number; wall: number }>();
    const open = new Map<string, { c: NodeJS.CpuUsage; t: number }>();
    setOpeningStepObserver({
      begin: (st) => open.set(st, { c: process.cpuUsage(), t: performance.now() }),
      end: (st) => {
        const o = open.get(st)!;
        const c = process.cpuUsage(o.c);
        const key = st.replace(/\[\d+\]$/, "[*]");
        const e = steps.get(key) ?? { cpu: 0, wall: 0 };
        e.cpu += (c.user + c.system) / 1000;
        e.wall += performance.now() - o.t;
        steps.set(key, e);
      },
    });
    const c0 = process.cpuUsage();
    const { proof } = proveInference({ setup, model: q.model, srs, trace, prover: "0x00000000000000000000000000000000000000a1" });
    const c = process.cpuUsage(c0);
    console.log(JSON.stringify(Object.fromEntries([...steps].map(([k, v]) => [k, { cpu_ms: Math.round(v.cpu), wall_ms: Math.round(v.wall) }]))));
    console.log(mode, proof.length, createHash("sha256").update(proof).digest("hex"), Math.round((c.user + c.system) / 1000), "ms cpu");
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
