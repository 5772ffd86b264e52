#!/bin/sh
# Regenerates the llama.cpp reference fixtures in test/fixtures/gguf/ (see scripts/gguf-reference.ts).
# node-llama-cpp is installed on demand outside the repository: $DEEPPROVE_REF_DIR (default /tmp/deepprove-llama-ref).
set -eu
cd "$(dirname "$0")/.."
exec npx ts-node --transpile-only scripts/gguf-reference.ts "$@"
