/**
 * The llama (SentencePiece-BPE) tokenizer, driven by the vocabulary a GGUF file carries
 * (`tokenizer.ggml.tokens`, `.scores`, `.token_type`), behaving as llama.cpp's SPM tokenizer does:
 *
 * 1. Spaces become "▁" (U+2581) and, when `tokenizer.ggml.add_space_prefix` is true (the default), one "▁" is
 *    prepended.
 * 2. The text is split into Unicode characters; then, repeatedly, the adjacent pair whose concatenation is a
 *    vocabulary token with the HIGHEST score is merged (ties: the leftmost pair), until no pair is a token.
 * 3. Each remaining piece that is a token is emitted; one that is not (a character outside the vocabulary)
 *    falls back to its UTF-8 bytes as the byte tokens `<0xXX>`, or to the unknown token if those are absent.
 *
 * Decoding maps each id to bytes (normal tokens: their text with "▁" read as a space; byte tokens: their
 * byte; control and unknown tokens: nothing) and decodes the concatenation as UTF-8, so a character split
 * over several byte tokens comes back whole.
 */
import type { GgufFile } from "./container";
import { metaArray, metaNumber } from "./container";
import { GgufError } from "./errors";

/** `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`). */
export const TokenType = {
  NORMAL: 1,
  UNKNOWN: 2,
  CONTROL: 3,
  USER_DEFINED: 4,
  UNUSED: 5,
  BYTE: 6,
} as const;

/** SentencePiece's visible space. */
const SPACE_MARK = "\u2581";
const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** A tokenizer built from a GGUF vocabulary. */
export interface Tokenizer {
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  /** Token ids of `text` (no BOS: callers add it, as llama.cpp's completion API does). */
  encode(text: string): number[];
  /** Text of `ids` (control tokens such as BOS/EOS contribute nothing). */
  decode(ids: readonly number[]): string;
  /** The vocabulary string of one id (for diagnostics). */
  piece(id: number): string;
}

/** One symbol of the merge pass: a piece of text in a doubly linked list. */
interface Symbol {
  text: string;
  prev: number;
  next: number;
}

/** A candidate merge of symbols `left` and `right`, valid while both still have the recorded texts. */
interface Bigram {
  left: number;
  right: number;
  score: number;
  text: string;
}

/**
 * Builds the tokenizer of a GGUF file.
 * @throws GgufError when the tokenizer model is not "llama" or the vocabulary arrays disagree in length.
 */
export function loadTokenizer(file: GgufFile): Tokenizer {
  const model = file.metadata["tokenizer.ggml.model"];
  if (model !== "llama") {
    throw new GgufError(
      file.path,
      `tokenizer model ${JSON.stringify(model)} is not supported; supported: "llama" (SentencePiece BPE)`,
      { field: "tokenizer.ggml.model" },
    );
  }
  const tokens = metaArray(file, "tokenizer.ggml.tokens").map(String);
  const scores = metaArray(file, "tokenizer.ggml.scores").map(Number);
  const types = file.metadata["tokenizer.ggml.token_type"]
    ? metaArray(file, "tokenizer.ggml.token_type").map(Number)
    : tokens.map(() => TokenType.NORMAL);
  for (const [key, arr] of [["tokenizer.ggml.scores", scores], ["tokenizer.ggml.token_type", types]] as const) {
    if (arr.length !== tokens.length) {
      throw new GgufError(file.path, `has ${arr.length} entries but the vocabulary has ${tokens.length}`, { field: key });
    }
  }
  const addSpacePrefix = file.metadata["tokenizer.ggml.add_space_prefix"] !== false;
  return new SentencePieceBpe(tokens, scores, types, {
    bos: metaNumber(file, "tokenizer.ggml.bos_token_id", 1),
    eos: metaNumber(file, "tokenizer.ggml.eos_token_id", 2),
    unk: metaNumber(file, "tokenizer.ggml.unknown_token_id", 0),
    addSpacePrefix,
  });
}

class SentencePieceBpe implements Tokenizer {
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  private readonly unk: number;
  private readonly addSpacePrefix: boolean;
  private readonly ids = new Map<string, number>();
  private readonly byteIds = new Array<number>(256).fill(-1);
  private readonly pieceBytes: Uint8Array[];

  constructor(
    private readonly tokens: readonly string[],
    private readonly scores: readonly number[],
    types: readonly number[],
    opts: { bos: number; eos: number; unk: number; addSpacePrefix: boolean },
  ) {
    this.vocabSize = tokens.length;
    this.bos = opts.bos;
    this.eos = opts.eos;
    this.unk = opts.unk;
    this.addSpacePrefix = opts.addSpacePrefix;
    const utf8 = new TextEncoder();
    this.pieceBytes = tokens.map((text, id) => {
      // First id wins for duplicated strings, as in llama.cpp's token_to_id map.
      if (!this.ids.has(text)) this.ids.set(text, id);
      const byte = types[id] === TokenType.BYTE ? BYTE_TOKEN.exec(text) : null;
      if (byte) {
        const value = parseInt(byte[1], 16);
        this.byteIds[value] = id;
        return Uint8Array.of(value);
      }
      if (types[id] === TokenType.CONTROL || types[id] === TokenType.UNKNOWN || types[id] === TokenType.UNUSED) {
        return new Uint8Array(0);
      }
      return utf8.encode(text.replaceAll(SPACE_MARK, " "));
    });
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    const escaped = (this.addSpacePrefix ? " " + text : text).replaceAll(" ", SPACE_MARK);
    const chars = Array.from(escaped); // code points, as llama.cpp splits on UTF-8 characters
    const symbols: Symbol[] = chars.map((ch, i) => ({ text: ch, prev: i - 1, next: i + 1 < chars.length ? i + 1 : -1 }));
    const queue = new BigramQueue();
    const tryAdd = (left: number, right: number): void => {
      if (left < 0 || right < 0) return;
      const merged = symbols[left].text + symbols[right].text;
      const id = this.ids.get(merged);
      if (id !== undefined) queue.push({ left, right, score: this.scores[id], text: merged });
    };
    for (let i = 1; i < symbols.length; i++) tryAdd(i - 1, i);
    for (let bigram = queue.pop(); bigram; bigram = queue.pop()) {
      const left = symbols[bigram.left];
      const right = symbols[bigram.right];
      // Stale entry: one side was merged away since this pair was queued.
      if (left.text.length === 0 || right.text.length === 0 || left.text + right.text !== bigram.text) continue;
      left.text = bigram.text;
      right.text = "";
      left.next = right.next;
      if (right.next >= 0) symbols[right.next].prev = bigram.left;
      tryAdd(left.prev, bigram.left);
      tryAdd(bigram.left, left.next);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0 && i < symbols.length; i = symbols[i].next) this.emit(symbols[i].text, out);
    return out;
  }

  /** Emits a final piece: its token, else its UTF-8 bytes as byte tokens, else the unknown token. */
  private emit(piece: string, out: number[]): void {
    const id = this.ids.get(piece);
    if (id !== undefined) {
      out.push(id);
      return;
    }
    for (const byte of new TextEncoder().encode(piece)) {
      const byteId = this.byteIds[byte];
      out.push(byteId >= 0 ? byteId : this.unk);
    }
  }

  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
      }
      return this.pieceBytes[id];
    });
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.length;
    }
    return new TextDecoder().decode(bytes);
  }

  piece(id: number): string {
    return this.tokens[id] ?? `<id ${id}>`;
  }
}

/** Max-heap of bigrams by score; equal scores pop the leftmost pair first (llama.cpp's order). */
class BigramQueue {
  private readonly heap: Bigram[] = [];

  push(b: Bigram): void {
    const h = this.heap;
    h.push(b);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  pop(): Bigram | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && before(h[l], h[best])) best = l;
        if (r < h.length && before(h[r], h[best])) best = r;
        if (best === i) break;
        [h[i], h[best]] = [h[best], h[i]];
        i = best;
      }
    }
    return top;
  }
}

function before(a: Bigram, b: Bigram): boolean {
  return a.score > b.score || (a.score === b.score && a.left < b.left);
}
