/**
 * The extension mechanism of verifier programs, compiler side: the EXT instructions (one opcode per extension
 * library, contracts/verifier/ModelVerifierOps.sol), ARENA, and the {@link StepEmitter} through which a step's
 * program fragment uses the whole-model compiler's instructions while keeping its claim counts exact. The
 * Solidity side and the ABI every extension library implements: contracts/verifier/layers/Extension.sol;
 * spec: docs/verifier-gen.md ("Extension libraries").
 */
import type { PlanRequant, TableNodeStep } from "../../prover/graph/plan";
import type { ProgramWriter } from "./writer";

/** EXT opcodes, one per extension library (ModelVerifierOps.OP_EXT_*): library i is 0x30 + i. */
export const EXT_OP = {
  /** contracts/verifier/ModelVerifierSteps.sol: the CNN-class steps (./steps.ts). */
  steps: 0x30,
  /** contracts/verifier/ModelVerifierAttention.sol: the transformer / LLM steps. */
  attention: 0x31,
  /** contracts/verifier/ModelVerifierLlm.sol: the LLM steps (./attention.ts). */
  llm: 0x32,
  /** contracts/verifier/ModelVerifierExact.sol: the exact integer kinds (./exact.ts). */
  exact: 0x33,
  /** contracts/verifier/ModelVerifierTree.sol: the tree models' integer kinds (./tree.ts). */
  tree: 0x34,
  /** contracts/verifier/ModelVerifierIndexed.sol: exact Div, runtime Where, TopK, runtime Scatter (./indexed.ts). */
  indexed: 0x35,
} as const;

/**
 * The proof byte count of an EXT instruction that sends the library the stream's whole unread tail
 * (Extension.TAIL): for a step whose reads the program does not bound. Every step the compiler emits today has an
 * exact count (./proof-words.ts); the value stays part of the format for hand-written programs and tests.
 */
export const EXT_TAIL = 0xffffffff;

/** An extension library (a key of {@link EXT_OP}). */
export type ExtensionLibrary = keyof typeof EXT_OP;

/** Where a handed-on claim goes: a value (a tensor's claim list, or an opening of W for a weight) or an A slot. */
export type Dest = { readonly value: string } | { readonly advice: string };

/**
 * The whole-model compiler's instruction writers a step fragment uses (ModelVerifierOps.sol semantics). Each
 * keeps the compiler's bookkeeping exact: claims pending per tensor (every tensor must be emptied by END) and the
 * words of the opening records (the interpreter allocates its record buffer once, at that size).
 */
export interface StepEmitter {
  /** TAKE: the register = every claim on the tensor; returns how many claims that is. */
  take(w: ProgramWriter, tensor: string): number;
  /** ARENA: the arena's claim on one component of a witness column → a tensor's claim list (a string) or a dest. */
  arena(w: ProgramWriter, column: number, component: number, to: string | Dest): void;
  /** ROUTEALL to a value (tensor or W slot), for a register of `count` claims. */
  routeAll(w: ProgramWriter, tensor: string, count: number): void;
  /** ROUTE: claim i of the register → dests[i]. */
  route(w: ProgramWriter, dests: readonly Dest[]): void;
  /**
   * EXT: the library's step on the register; `section` is the step's bytes (the library's sub-opcode first) and
   * `words` the proof words the step reads (./proof-words.ts): the library is sent only those.
   */
  extension(w: ProgramWriter, library: ExtensionLibrary, section: Uint8Array, words: number): void;
  /** REQUANT for `r`: every claim on r.y is consumed, the register then holds the claim on acc. */
  requant(w: ProgramWriter, r: PlanRequant): void;
  /**
   * TAKE `tensor`, then SKIPEMPTY over the instructions `body` writes: they run (and their claims count) only
   * when the tensor holds claims, which the compiler knows; `body` gets how many.
   */
  guarded(w: ProgramWriter, tensor: string, body: (w: ProgramWriter, taken: number) => void): void;
  /** MERGEMANY: the register's claims (on a tensor of `numVars` variables) merged into one. */
  mergeMany(w: ProgramWriter, numVars: number): void;
  /** TABLE: an activation-table step (y in A, the arena column (x + c·pad, y)); the claim on x goes to `step.x`. */
  table(w: ProgramWriter, step: Pick<TableNodeStep, "column" | "y" | "outputs" | "padOffset" | "shape" | "x">): void;
}

/** A step handler's program fragment: the instructions that verify `step` (a plan node step). */
export type ExtensionStepCompiler = (step: never, e: StepEmitter, w: ProgramWriter, what: string) => void;
