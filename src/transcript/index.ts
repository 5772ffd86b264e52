/** Fiat–Shamir transcripts (keccak256, word-oriented; spec in docs/transcript.md). */
export * from "./keccak";
