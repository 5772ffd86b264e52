/**
 * Proved generation of stories260K (docs/gguf.md, "Proved generation"): for each token count, one
 * `deepprove bench <model.gguf> --prompt <text> --tokens N --json` in its own process (fresh setup on the
 * INSECURE development SRS, generation, proof, verification, agreement with llama.cpp, on-chain attempt), and
 * writes every result to `docs/llm-proofs.json` with the machine's load. Minutes of CPU: a script, not a test.
 *
 *   npx ts-node --transpile-only scripts/prove-llm.ts [--model FILE] [--prompt TEXT] [--tokens 16,64] [--out FILE] [--no-gas]
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const ROOT = resolve(__dirname, "..");
const model = resolve(arg("--model", join(ROOT, "..", "shared", "models", "gguf", "stories260K.gguf")));
const prompt = arg("--prompt", "Once upon a time");
const counts = arg("--tokens", "16,64").split(",").map((s) => Number(s.trim()));
const out = resolve(arg("--out", join(ROOT, "docs", "llm-proofs.json")));
const gas = !process.argv.includes("--no-gas");

const runs: object[] = [];
for (const tokens of counts) {
  process.stderr.write(`prove-llm: ${tokens} tokens\n`);
  const loadBefore = loadavg()[0];
  const args = [join(ROOT, "bin", "deepprove.js"), "bench", model, "--prompt", prompt, "--tokens", String(tokens), "--json", ...(gas ? [] : ["--no-gas"])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    runs.push({ tokens, error: `exit ${r.status}` });
    continue;
  }
  const lines = r.stdout.trim().split("\n");
  runs.push({ ...(JSON.parse(lines[lines.length - 1]) as object), load_average_before: Number(loadBefore.toFixed(1)), load_average_after: Number(loadavg()[0].toFixed(1)) });
  writeFileSync(out, `${JSON.stringify({ model, prompt, cpus: cpus().length, runs }, null, 2)}\n`);
}
writeFileSync(out, `${JSON.stringify({ model, prompt, cpus: cpus().length, runs }, null, 2)}\n`);
process.stderr.write(`prove-llm: wrote ${out}\n`);
