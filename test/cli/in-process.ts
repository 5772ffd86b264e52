/**
 * Runs the `deepprove` CLI in this process (no child process: the tests share the loaded modules, the native
 * kernels and the SRS cache), capturing what it writes to stdout and stderr.
 */
import { main } from "../../src/cli/main";

/** `deepprove ...args`: its exit status and everything it wrote. */
export async function runCliInProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const status = await main([process.execPath, "deepprove", ...args]);
    return { status, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}
